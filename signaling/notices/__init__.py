"""The villager hears back: notices (短信通知) through an outbox, the public status page, and ratings."""
