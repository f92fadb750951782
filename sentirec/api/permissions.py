"""Who may do what: owners change their own rows, staff manage sentiment models."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAdminUser


class IsOwnerOrReadOnly(BasePermission):
    """Anyone may read; only the row's owner (``view.owner_field``) may change it."""

    message = "Only its owner can change or delete this."

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return getattr(obj, f"{view.owner_field}_id") == request.user.pk


class IsStaff(IsAdminUser):
    message = "Only staff can manage sentiment models."
