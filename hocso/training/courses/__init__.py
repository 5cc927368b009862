"""Courses, modules and lessons, the learner's pages and progress, completion by the course's rule, and authoring."""
