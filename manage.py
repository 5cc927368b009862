#!/usr/bin/env python
from hocso.__main__ import main

if __name__ == "__main__":
    main()
