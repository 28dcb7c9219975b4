"""Password policy for officers' accounts (NIST SP 800-63B §5.1.1.2): at least 8 characters, at
most 256, not one of the commonest passwords, not the username. No composition rules (they make
passwords harder to remember, not stronger). The demo seed alone is exempt (`demo` / `demo`)."""

from __future__ import annotations

import functools

MIN_LENGTH = 8
MAX_LENGTH = 256


@functools.cache
def _common() -> frozenset[str]:
    from counter_app.locations import assets_dir

    path = assets_dir() / "security" / "common_passwords.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


def password_problem(password: str, username: str = "") -> str | None:
    """Why this password may not be used (bilingual), or None if it may."""
    if len(password) < MIN_LENGTH:
        return f"mật khẩu cần ít nhất {MIN_LENGTH} ký tự / password needs at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"mật khẩu dài quá {MAX_LENGTH} ký tự / password longer than {MAX_LENGTH} characters"
    folded = password.strip().lower()
    if folded in _common():
        return "mật khẩu quá phổ biến, hãy chọn mật khẩu khác / a too common password: choose another"
    if username and folded == username.strip().lower():
        return "mật khẩu không được trùng tên đăng nhập / the password may not be the username"
    return None
