"""What both the question-bank exports (renderers/banks/) and the LMS packages
(renderers/packages/) use: deterministic XML (`xml`) and numbers as exports write them
(`numbers`)."""
