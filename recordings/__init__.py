"""recordings: the call recorder, the encrypted archive, retention and replay."""
