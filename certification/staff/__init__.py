"""Staff screens of the certification app in the Wagtail admin: awards and vouchers."""
