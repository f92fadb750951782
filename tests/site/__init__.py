"""The HTML pages: forms and bad input, layout, people, pictures, host pages, security."""
