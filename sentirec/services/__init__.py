"""The Django-side verbs of sentirec.

Views, the API, admin actions, management commands and Celery tasks all call these
functions, so each thing is done one way.
"""
