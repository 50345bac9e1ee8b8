"""Login and password forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField, StringField, SubmitField
from wtforms.widgets import HiddenInput
from wtforms.validators import DataRequired, EqualTo, Length

from quizapp.auth.services import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    account = StringField(
        "手机号或党员编号",
        validators=[DataRequired("请输入手机号或党员编号"), Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "off"},
    )
    password = PasswordField(
        "密码",
        validators=[DataRequired("请输入密码"), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("记住我（30 天内免登录）")
    submit = SubmitField("登录")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "当前密码",
        validators=[DataRequired("请输入当前密码")],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "新密码",
        validators=[
            DataRequired("请输入新密码"),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=f"密码长度应为 {MIN_PASSWORD_LENGTH} 到 {MAX_PASSWORD_LENGTH} 个字符",
            ),
        ],
        description="至少 8 位，须同时包含字母和数字",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "再次输入新密码",
        validators=[
            DataRequired("请再次输入新密码"),
            EqualTo("new_password", "两次输入的新密码不一致"),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("修改密码")



class EndLoginForm(FlaskForm):
    """The 退出该设备 button beside one login in 我的登录设备."""

    login_id = IntegerField(widget=HiddenInput(), validators=[DataRequired()])
