"""The course pages, by audience: learning (the learner's), files (lesson files with byte ranges), authoring."""
