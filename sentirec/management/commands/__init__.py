"""``sentirec_import`` (public datasets), ``sentirec_demo`` (the demo site's data) and
``sentirec_train`` (a retrain job run in-process)."""
