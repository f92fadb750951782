"""The bookstore's user model: readers who sign in by email."""
