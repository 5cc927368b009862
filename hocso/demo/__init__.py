"""The demo province: Thái Nguyên as after the reorganisation of 1 July 2025, with people and demo accounts.

`data` holds the lists (agencies, names, positions and ranks); `builder` writes them with bulk inserts
that produce exactly what the services would (paths, keys, one open membership per person).
"""
