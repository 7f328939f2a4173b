"""工作量统计: cases, calls, scans and ratings per unit, item and approver, by week, month, quarter and year."""
