from .hints import hint_apply, hint_dismiss, hints, hints_refresh
from .library import lesson_delete, lesson_detail, lesson_edit, lesson_new, library

__all__ = ["hint_apply", "hint_dismiss", "hints", "hints_refresh", "lesson_delete", "lesson_detail", "lesson_edit",
           "lesson_new", "library"]
