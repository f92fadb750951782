"""Forms for end users. Validation lives in the model's validators and constraints,
so forms, the API and the admin all say the same thing."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from sentirec.conf import settings
from sentirec.models import Rating, Review

#: The star values the usual UI offers: 1 to 5 in half steps (the model accepts 0.5 too).
UI_STAR_CHOICES = [(str(Decimal(n) / 2), f"{n / 2:g} ★") for n in range(2, 11)]


class StarsField(forms.TypedChoiceField):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("choices", [("", "—"), *UI_STAR_CHOICES])
        super().__init__(coerce=Decimal, empty_value=None, **kwargs)


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
    stars = StarsField(required=True, label="Your stars")

    class Meta:
        model = Rating
        fields = ["stars"]
