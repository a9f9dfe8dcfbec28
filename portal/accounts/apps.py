from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = "Members"

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_removed

        from portal.accounts import export, mfa

        authenticator_removed.connect(mfa.forget_mfa_check, dispatch_uid="guildhall_forget_mfa")
        export.register_exporter("account", export.account_section)
