"""Question interchange formats: Moodle XML (import and export), GIFT and Excel (import).

See docs/questions.md for what each format carries and how it maps onto the bank's question types.
"""
