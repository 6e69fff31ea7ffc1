"""cleantext: remove boilerplate from scraped newspaper text."""
