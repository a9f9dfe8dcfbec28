from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = "Members"

    def ready(self) -> None:
        from allauth.account.signals import user_signed_up
        from allauth.mfa.signals import authenticator_removed

        from community.interest_selectors import interests_for_export
        from portal.accounts import adapters, export, mfa, referral_selectors

        authenticator_removed.connect(mfa.forget_mfa_check, dispatch_uid="guildhall_forget_mfa")
        user_signed_up.connect(adapters.attribute_referral, dispatch_uid="guildhall_referral")
        export.register_exporter("account", export.account_section)
        export.register_exporter("referrals", referral_selectors.referrals_for_export)
        # Interests are the community's, but stated on an account page; staff notes are never
        # exported (they are the staff's, not the member's: see docs/members.md).
        export.register_exporter("interests", interests_for_export)
