"""保存期限与保全: purging what is past its time, and legal holds that keep a problem case."""
