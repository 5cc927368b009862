"""The class pages: classes, enrolment (including the class list), sessions and attendance."""
