"""Installing and configuring sentirec: checks, migrations, docs, demo data, imports."""
