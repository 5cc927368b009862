"""Roles (who is a province administrator, a unit's focal point, an instructor, a coordinator) and the part of the
unit tree each user acts on. Sits above `org` (roles name units) and below `people` and `identity`."""
