"""The bookstore's catalogue app (UUID-keyed books, the swapped item model)."""
