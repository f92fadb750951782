"""The bookstore's own sign-in app, at URL names sentirec must not assume."""
