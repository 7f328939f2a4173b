"""痕迹管理: acts (who does what, when) and the keyed hash chain they are logged in."""
