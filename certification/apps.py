from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = "Certification"

    def ready(self):
        """Let seat vouchers pay for classroom seats (``courses.session_services``)."""
        from certification.voucher_services import seat_voucher_handler
        from courses.session_services import SEAT_PAYMENT_HANDLERS

        if seat_voucher_handler not in SEAT_PAYMENT_HANDLERS:
            SEAT_PAYMENT_HANDLERS.append(seat_voucher_handler)
