"""Template tags: ``sentirec_ui`` (the pages' own helpers), ``sentirec_embed`` (parts a
host renders in its own pages) and ``sentirec_admin`` (the admin's figures)."""
