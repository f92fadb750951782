"""sentirec's own OpenAPI schema: sentirec's endpoints only, under sentirec's title, with
component names that start with ``Sentirec``, whatever the host's ``REST_FRAMEWORK`` and
``SPECTACULAR_SETTINGS`` say.

The host's own schema is left alone both ways: its generator does not see sentirec's views
(``base.Schema``) and this one reads nothing but sentirec's views.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.generators import EndpointEnumerator, SchemaGenerator
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny

from sentirec.api.base import GENERATING_SENTIRECS_SCHEMA, SentirecAPIMixin

PREFIX = "Sentirec"
REF = "#/components/schemas/"


class Endpoints(EndpointEnumerator):
    def should_include_endpoint(self, path, callback) -> bool:
        view = getattr(callback, "cls", None)
        return (
            isinstance(view, type)
            and issubclass(view, SentirecAPIMixin)
            and super().should_include_endpoint(path, callback)
        )


class Generator(SchemaGenerator):
    endpoint_inspector_cls = Endpoints

    def get_schema(self, request=None, public=False) -> dict:
        generating = GENERATING_SENTIRECS_SCHEMA.set(True)
        try:
            return super().get_schema(request, public)
        finally:
            GENERATING_SENTIRECS_SCHEMA.reset(generating)


def _renamed(node: Any, names: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {
            key: (
                REF + names[value[len(REF) :]]
                if key == "$ref" and isinstance(value, str) and value[len(REF) :] in names
                else _renamed(value, names)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_renamed(value, names) for value in node]
    return node


def prefix_components(result: dict, **kwargs) -> dict:
    """Every schema component (serializers, enums, the error body) named ``Sentirec...``,
    so a client generated from both schemas, or a host that merges them, sees no clash
    with the host's own ``Post`` or ``Review``."""
    schemas = result.get("components", {}).get("schemas", {})
    names = {name: name if name.startswith(PREFIX) else PREFIX + name for name in schemas}
    result = _renamed(result, names)
    result["components"]["schemas"] = {
        names[name]: body for name, body in result["components"]["schemas"].items()
    }
    return result


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _without_null(field: dict) -> dict:
    """A nullable body field as a form writes it: a form field is text, so no null; an
    empty value is DRF's null for a field that allows it."""
    written = {key: value for key, value in field.items() if key != "nullable"}
    return {"anyOf": [written, {"type": "string", "enum": [""]}]}


def forms_write_null_as_empty(result: dict, **kwargs) -> dict:
    """Form and multipart bodies get components of their own (``...Form``) in which a
    nullable field is its value or empty: a form cannot send JSON's ``null`` (a client
    sending the text "null" gets a 400), and DRF reads an empty form field as null."""
    schemas = result.get("components", {}).get("schemas", {})
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            content = (
                operation.get("requestBody", {}).get("content", {})
                if isinstance(operation, dict)
                else {}
            )
            for media_type in FORM_TYPES:
                ref = content.get(media_type, {}).get("schema", {}).get("$ref", "")
                name = ref[len(REF) :]
                properties = schemas.get(name, {}).get("properties", {})
                if not any(field.get("nullable") for field in properties.values()):
                    continue
                form = {
                    **schemas[name],
                    "properties": {
                        key: _without_null(field) if field.get("nullable") else field
                        for key, field in properties.items()
                    },
                }
                schemas[f"{name}Form"] = form
                content[media_type]["schema"] = {"$ref": f"{REF}{name}Form"}
    return result


#: drf-spectacular settings for sentirec's schema, over whatever the host set.
SETTINGS = {
    "TITLE": "sentirec API",
    "DESCRIPTION": "Reviews, ratings, follows, sentiment and personalized feeds.",
    "VERSION": "1",
    "SERVERS": [],
    "TAGS": [],
    "EXTERNAL_DOCS": {},
    "CONTACT": {},
    "LICENSE": {},
    "SECURITY": [],
    "PREPROCESSING_HOOKS": [],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "sentirec.api.schema.prefix_components",
        "sentirec.api.schema.forms_write_null_as_empty",
    ],
    "ENUM_NAME_OVERRIDES": {},
    "ENUM_ADD_EXPLICIT_BLANK_NULL_CHOICE": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": True,
    "ENUM_SUFFIX": "Enum",
    "SCHEMA_PATH_PREFIX": None,
    "SCHEMA_PATH_PREFIX_TRIM": False,
    "SCHEMA_PATH_PREFIX_INSERT": "",
    "CAMELIZE_NAMES": False,
    # Separate request and response components, so read-only fields are not asked for.
    "COMPONENT_SPLIT_REQUEST": True,
    "COMPONENT_SPLIT_PATCH": True,
    "COMPONENT_NO_READ_ONLY_REQUIRED": False,
    "APPEND_COMPONENTS": {},
    "APPEND_PATHS": {},
}


class SchemaView(SpectacularAPIView):
    """``api/schema/``: anyone may read it (``?format=json`` for JSON)."""

    schema = None  # not an operation of any schema
    authentication_classes = (SessionAuthentication,)
    permission_classes = (AllowAny,)
    versioning_class = None
    generator_class = Generator
    serve_public = True
    urlconf = None
    custom_settings = SETTINGS
