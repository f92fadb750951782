"""sentirec's ``manage.py`` commands live in ``commands/``."""
