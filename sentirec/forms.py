"""Forms for end users. Validation lives in the model's validators and constraints,
so forms, the API and the admin all say the same thing."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError

from sentirec.conf import settings
from sentirec.models import Rating, Review
from sentirec.services.catalog import ORDERING_LABELS
from sentirec.usernames import lookalike

#: The star values the usual UI offers: 1 to 5 in half steps (the model accepts 0.5 too).
UI_STAR_CHOICES = [(str(Decimal(n) / 2), f"{n / 2:g} ★") for n in range(2, 11)]


class StarsField(forms.TypedChoiceField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("choices", [("", "—"), *UI_STAR_CHOICES])
        super().__init__(coerce=Decimal, empty_value=None, **kwargs)

    def prepare_value(self, value):
        """Stored stars read back as ``Decimal("5.0")``; the choice to select is ``"5"``."""
        return str(value.normalize()) if isinstance(value, Decimal) else value


class OwnedOpinionForm(forms.ModelForm):
    """A form for one user's opinion of one item; both come from the request, not the form."""

    def __init__(self, *args, user, item, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.user = user
        self.instance.item = item

    def _get_validation_exclusions(self):
        # user and item are not form fields, so ModelForm would skip the one-per-user
        # constraint and the database would answer with an IntegrityError, not a message.
        return super()._get_validation_exclusions() - {"user", "item"}


class ReviewForm(OwnedOpinionForm):
    stars = StarsField(required=False, label="Your stars")

    class Meta:
        model = Review
        fields = ["title", "text", "stars"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs["maxlength"] = settings.MAX_REVIEW_CHARS
        self.fields["text"].label = "Your review"


class RatingForm(OwnedOpinionForm):
    """Stars without a review. Prefixed so its field names and ids differ from the review
    form's ``stars`` on the same page."""

    prefix = "rating"
    stars = StarsField(required=True, label="Your stars")

    class Meta:
        model = Rating
        fields = ["stars"]


class ItemSearchForm(forms.Form):
    """The browse page's query string; Django's fields refuse NUL bytes and over-long input."""

    q = forms.CharField(required=False, max_length=200, label="Search", widget=forms.SearchInput)
    category = forms.CharField(required=False, max_length=100, label="Category")
    order = forms.ChoiceField(
        required=False, choices=list(ORDERING_LABELS.items()), label="Order by"
    )

    def __init__(self, *args, categories: list[str] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Offered as a list, but any text is accepted: an unknown category finds nothing.
        choices = [("", "All categories"), *((name, name) for name in categories)]
        self.fields["category"].widget = forms.Select(choices=choices)

    def clean_order(self) -> str:
        return self.cleaned_data["order"] or "top"


class PeopleSearchForm(forms.Form):
    """The people directory's query string."""

    q = forms.CharField(
        required=False, max_length=150, label="Find people", widget=forms.SearchInput
    )


class SignupForm(UserCreationForm):
    """Sign up with a username and a password checked by ``AUTH_PASSWORD_VALIDATORS``."""

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = (get_user_model().USERNAME_FIELD,)

    def clean(self) -> dict:
        """A name that can be mistaken for someone else's is refused, so nobody can pass
        for another person (``sentirec.usernames``)."""
        cleaned = super().clean()
        field = get_user_model().USERNAME_FIELD
        name = cleaned.get(field)
        if isinstance(name, str) and (taken := lookalike(name)):
            self.add_error(
                field,
                ValidationError(
                    f"“{name}” looks the same as the existing username “{taken}”. "
                    "Choose a name that cannot be mistaken for someone else's.",
                    code="lookalike",
                ),
            )
        return cleaned
