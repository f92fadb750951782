"""The people directory, a person's profile (reviews, ratings, followers, following) and
following them. Everywhere a person is listed, a follow or unfollow button is beside them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from sentirec.forms import PeopleSearchForm
from sentirec.models import Follow, Rating, Review
from sentirec.services.items import only_visible
from sentirec.services.people import directory as find_people
from sentirec.services.people import followed_by
from sentirec.views.common import paginate, rate_limited, safe_next

TABS = {
    "reviews": "Reviews",
    "ratings": "Ratings",
    "followers": "Followers",
    "following": "Following",
}


def _person(username: str) -> AbstractBaseUser:
    if "\x00" in username:  # PostgreSQL cannot even compare text containing NUL
        raise Http404("No such user.")
    User = get_user_model()
    return get_object_or_404(User, **{User.USERNAME_FIELD: username})


def _tab_rows(person: AbstractBaseUser, tab: str, viewer):
    """The tab's rows; reviews and ratings only of items the viewer may see."""
    if tab == "reviews":
        reviews = Review.objects.filter(user=person).select_related("item", "user")
        return only_visible(reviews, viewer)
    if tab == "ratings":
        ratings = Rating.objects.filter(user=person).select_related("item").order_by("-updated")
        return only_visible(ratings, viewer)
    User = get_user_model()
    if tab == "followers":
        return User.objects.filter(sentirec_following__followee=person).order_by(
            "-sentirec_following__created"
        )
    return User.objects.filter(sentirec_followers__follower=person).order_by(
        "-sentirec_followers__created"
    )


@never_cache  # the follow buttons say whether the viewer follows them
def directory(request: HttpRequest) -> HttpResponse:
    """Everyone, most followed first; ``q`` searches usernames and names."""
    form = PeopleSearchForm(request.GET)
    valid = form.is_valid()
    query = form.cleaned_data.get("q", "") if valid else ""
    page = paginate(request, find_people(query) if valid else get_user_model().objects.none())
    context = {"form": form, "page": page, "following": followed_by(request.user, page)}
    return render(request, "sentirec/people.html", context, status=200 if valid else 400)


@never_cache  # the follow button says whether the viewer follows them
def profile(request: HttpRequest, username: str) -> HttpResponse:
    person = _person(username)
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "reviews"
    viewer = request.user
    page = paginate(request, _tab_rows(person, tab, viewer))
    listed = page if tab in ("followers", "following") else []
    context = {
        "person": person,
        "tab": tab,
        "tabs": TABS,
        "tab_name": TABS[tab],
        "page": page,
        "following": followed_by(viewer, listed),
        "counts": {
            "reviews": person.sentirec_reviews.count(),
            "ratings": person.sentirec_ratings.count(),
            "followers": person.sentirec_followers.count(),
            "following": person.sentirec_following.count(),
        },
        "is_self": viewer.is_authenticated and viewer.pk == person.pk,
        "is_following": viewer.is_authenticated
        and Follow.objects.filter(follower=viewer, followee=person).exists(),
    }
    return render(request, "sentirec/profile.html", context)


@login_required
@require_POST
@rate_limited
def follow(request: HttpRequest, username: str) -> HttpResponse:
    person = _person(username)
    back = safe_next(request, reverse("sentirec:profile", args=[username]))
    if person.pk == request.user.pk:
        messages.error(request, "You cannot follow yourself.")
    else:
        Follow.objects.get_or_create(follower=request.user, followee=person)
        messages.success(request, f"You now follow {person}. Their reviews shape your feed.")
    return redirect(back)


@login_required
@require_POST
@rate_limited
def unfollow(request: HttpRequest, username: str) -> HttpResponse:
    person = _person(username)
    Follow.objects.filter(follower=request.user, followee=person).delete()
    messages.success(request, f"You no longer follow {person}.")
    return redirect(safe_next(request, reverse("sentirec:profile", args=[username])))
