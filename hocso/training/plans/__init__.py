"""The provincial training plan: targets per year and target group, and progress against them."""
