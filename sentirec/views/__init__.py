"""The HTML pages: feed, items and reviews, people, accounts, about, pictures and status; each
module holds one area's views, ``common`` what they share."""
