"""Data in where the users live: the fill-in workbook (自评填报表) of a standard, written and read
back as an evidence record; federation rosters (CSV or xlsx, one row a union) read as records;
the empty roster with headers and validation. The contract of both files is in layout.py."""
