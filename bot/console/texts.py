"""The console's words: plain Indonesian first, English beside it.

`say(lang, key, **values)` gives a text in the officer's language (Indonesian when the
language is unknown). Words of a report itself (the reporter's, the officers') are never
translated.
"""

from __future__ import annotations

LANGUAGES = ("id", "en")

TEXTS: dict[str, tuple[str, str]] = {
    # frame
    "brand": ("Migran Aman · Petugas", "Migran Aman · Officers"),
    "queue": ("Antrean", "Queue"),
    "stats": ("Statistik", "Statistics"),
    "calon": ("Calon PMI", "Registered people"),
    "alert": ("Kirim peringatan", "Send a warning"),
    "sign_out": ("Keluar", "Sign out"),
    "sign_out_all": ("Keluar di semua perangkat", "Sign out everywhere"),
    "other_language": ("English", "Bahasa Indonesia"),
    "role_admin": ("admin (seluruh kabupaten)", "admin (whole regency)"),
    "role_kabupaten": ("seluruh Kabupaten Serang", "all of Kabupaten Serang"),
    "role_kecamatan": ("Kecamatan {place}", "Kecamatan {place}"),
    "role_desa": ("Desa {place}", "Desa {place}"),
    "role_none": ("tanpa wilayah", "no area"),
    # sign-in
    "sign_in_title": ("Masuk untuk petugas", "Officers' sign-in"),
    "username": ("Nama pengguna", "Username"),
    "password": ("Kata sandi", "Password"),
    "code": ("Kode 6 angka dari aplikasi (jika diminta)", "6-digit app code (if asked)"),
    "sign_in": ("Masuk", "Sign in"),
    "wrong": (
        "Nama pengguna atau kata sandi salah.",
        "Wrong username or password.",
    ),
    "locked": (
        "Terlalu banyak percobaan yang salah. Akun ini dikunci {minutes} menit. "
        "Coba lagi nanti, atau minta admin membukanya.",
        "Too many wrong attempts. This account is locked for {minutes} minutes. "
        "Try again later, or ask an admin to unlock it.",
    ),
    "export_too_many": (
        "Ada {count} laporan yang cocok, lebih dari {limit} yang bisa diunduh sekaligus. "
        "Persempit saringannya (tanggal, kecamatan, status) lalu unduh lagi.",
        "{count} reports match, more than the {limit} one download can hold. Narrow the "
        "filters (dates, kecamatan, status) and download again.",
    ),
    "export_busy": (
        "Terlalu banyak unduhan dalam semenit. Tunggu sebentar lalu coba lagi.",
        "Too many downloads in a minute. Wait a moment and try again.",
    ),
    "busy": (
        "Terlalu banyak percobaan masuk dari alamat ini. Tunggu beberapa menit.",
        "Too many sign-in attempts from this address. Wait a few minutes.",
    ),
    "try_again_title": ("Coba lagi sebentar", "Please try again shortly"),
    "try_again": (
        "Sistem sedang terganggu, jadi halaman ini belum bisa dibuka. Coba lagi dalam "
        "beberapa menit. Tidak ada yang berubah karena permintaan ini.",
        "The system has a problem, so this page cannot be opened now. Try again in a few "
        "minutes. Nothing was changed by this request.",
    ),
    "expired_form": (
        "Formulir sudah kedaluwarsa. Silakan coba lagi.",
        "The form has expired. Please try again.",
    ),
    # queue
    "queue_title": ("Antrean laporan", "Report queue"),
    "matching": ("{count} cocok", "{count} matching"),
    "status": ("Status", "Status"),
    "all": ("Semua", "All"),
    "open": ("Belum ditutup", "Not closed"),
    "received": ("Baru", "New"),
    "claimed": ("Ditangani", "Being handled"),
    "closed": ("Ditutup", "Closed"),
    "urgent": ("Mendesak", "Urgent"),
    "urgent_yes": ("Hanya mendesak", "Urgent only"),
    "urgent_no": ("Tidak mendesak", "Not urgent"),
    "kind": ("Jenis", "Kind"),
    "kind_report": ("Laporan", "Report"),
    "kind_question": ("Pertanyaan", "Question"),
    "kecamatan": ("Kecamatan", "Kecamatan"),
    "country": ("Negara tujuan", "Destination country"),
    "from": ("Dari tanggal", "From"),
    "to": ("Sampai tanggal", "To"),
    "search": ("Cari kata", "Search words"),
    "filter": ("Saring", "Filter"),
    "clear": ("Hapus saringan", "Clear filters"),
    "export_csv": ("Unduh CSV", "Download CSV"),
    "export_xlsx": ("Unduh Excel", "Download Excel"),
    "number": ("Nomor", "Number"),
    "received_at": ("Masuk", "Received"),
    "place": ("Tempat", "Place"),
    "offer": ("Tawaran", "Offer"),
    "question": ("Pertanyaan", "Question"),
    "photos": ("Foto", "Photos"),
    "none_found": ("Tidak ada laporan yang cocok.", "No report matches."),
    "newer": ("← Lebih baru", "← Newer"),
    "older": ("Lebih lama →", "Older →"),
    "refreshed": ("Diperbarui otomatis", "Refreshes by itself"),
    "abroad": ("luar negeri", "abroad"),
    "elsewhere": ("di luar Kab. Serang", "outside Kab. Serang"),
    # case
    "status_claimed_by": ("Ditangani oleh {name}", "Being handled by {name}"),
    "outcome": ("Hasil", "Outcome"),
    "recruiter": ("Perekrut", "Recruiter"),
    "reporter": ("Pelapor", "Reporter"),
    "asker": ("Penanya", "Asker"),
    "anonymous": ("anonim (hanya bisa dihubungi lewat bot)", "anonymous (reachable via the bot)"),
    "erased": ("data pribadi sudah dihapus", "personal data erased"),
    "hidden": (
        "data pribadi tidak ditampilkan untuk peran Anda; pakai «Tanya pelapor»",
        "personal data is not shown to your role; use «Ask the reporter»",
    ),
    "no_photos": ("Tidak ada foto.", "No photos."),
    "photo_n": ("Foto {n}", "Photo {n}"),
    "thread": ("Percakapan dan catatan", "Conversation and notes"),
    "thread_empty": ("Belum ada pesan.", "No messages yet."),
    "to_reporter": ("Petugas ke pelapor", "Officer to reporter"),
    "from_reporter": ("Pelapor", "Reporter"),
    "note": ("Catatan petugas", "Officer's note"),
    "claim": ("Ambil laporan ini", "Claim this report"),
    "ask": ("Tanya pelapor", "Ask the reporter"),
    "ask_send": ("Kirim ke pelapor", "Send to the reporter"),
    "ask_hint": (
        "Pelapor menerima pertanyaan ini di salurannya sendiri, tanpa nama Anda.",
        "The reporter gets this question on their own channel, without your name.",
    ),
    "ask_hint_named": (
        "Pelapor menerima pertanyaan ini di salurannya sendiri, dengan nama Anda ({name}).",
        "The reporter gets this question on their own channel, with your name ({name}).",
    ),
    "note_add": ("Simpan catatan", "Save note"),
    "note_hint": ("Hanya dilihat petugas.", "Seen by officers only."),
    "close": ("Tutup dengan hasil", "Close with outcome"),
    "back_to_queue": ("← Kembali ke antrean", "← Back to the queue"),
    "done_claim": ("Laporan ini sekarang Anda tangani.", "You are now handling this report."),
    "done_ask": (  # one notice whoever the reporter is: it tells nothing of them
        "Pertanyaan disimpan di laporan dan diteruskan ke pelapor bila ia bisa dihubungi.",
        "The question is kept with the report and passed on to the reporter if they can be "
        "reached.",
    ),
    "done_note": ("Catatan disimpan.", "Note saved."),
    "done_close": ("Laporan ditutup.", "Report closed."),
    "not_done": (
        "Tidak dilakukan: laporan ini baru saja diubah (mungkin oleh petugas lain). "
        "Lihat keadaannya sekarang di bawah.",
        "Not done: this report was just changed (perhaps by another officer). See how it "
        "stands now below.",
    ),
    "too_long": ("Pesan terlalu panjang.", "The message is too long."),
    "outcome_police": ("Dirujuk ke polisi", "Referred to the police"),
    "outcome_disnaker": ("Dirujuk ke Disnaker", "Referred to Disnaker"),
    "outcome_false_alarm": ("Bukan masalah", "Not a problem"),
    "outcome_duplicate": ("Duplikat", "Duplicate"),
    "outcome_resolved": ("Selesai", "Resolved"),
    "not_found": (
        "Laporan tidak ditemukan, atau bukan wilayah Anda.",
        "Report not found, or not in your area.",
    ),
    # statistics
    "stats_title": ("Statistik laporan", "Report statistics"),
    "stats_period": ("Periode", "Period"),
    "days": ("{days} hari terakhir", "last {days} days"),
    "stats_privacy": (
        "Tanpa data pribadi. Wilayah dengan kurang dari 5 kasus ditulis «< 5».",
        "No personal data. Areas with fewer than 5 cases are shown as «< 5».",
    ),
    "figures": ("Angka", "Figures"),
    "stats_missing": (
        "Statistik belum tersedia di versi ini.",
        "Statistics are not available in this version.",
    ),
    # registered people (calon PMI)
    "calon_title": ("Calon PMI terdaftar", "People who registered a plan"),
    "calon_privacy": (
        "Nama hanya tampil jika orangnya mengizinkan petugas melihatnya. Nomor dan akun "
        "tidak pernah ditampilkan. Setiap tampilan dicatat.",
        "A name shows only if the person allowed officers to see it. Numbers and accounts "
        "are never shown. Every view is logged.",
    ),
    "calon_total": ("{count} orang terdaftar", "{count} people registered"),
    "calon_shown": ("Ditampilkan {count} dari {total} orang.", "Showing {count} of {total}."),
    "calon_none": ("Belum ada yang terdaftar.", "Nobody registered yet."),
    "recruiter_licensed": ("P3MI berizin", "Licensed P3MI"),
    "recruiter_unlicensed": ("Tidak berizin / calo", "Unlicensed / broker"),
    "recruiter_none": ("Belum ada perekrut", "No recruiter yet"),
    "licence_active": ("P3MI aktif", "licensed P3MI"),
    "licence_suspended": ("izin dibekukan", "licence suspended"),
    "licence_revoked": ("izin dicabut", "licence revoked"),
    "licence_not_found": ("tidak ada di daftar P3MI", "not in the P3MI list"),
    "licence_individual": ("sponsor/calo", "sponsor/broker"),
    "licence_none": ("belum ada perekrut", "no recruiter yet"),
    "stuck_at": ("Tertahan di langkah", "Stuck at step"),
    "stuck_any": ("Langkah mana saja", "Any step"),
    "stuck_title": ("Tertahan lama di langkah", "Stuck for long at"),
    "stuck_none": ("Tidak ada yang tertahan lama.", "Nobody is stuck for long."),
    "stuck": ("Tertahan", "Stuck"),
    "by_desa": ("Per desa", "By desa"),
    "desa": ("Desa", "Desa"),
    "name": ("Nama", "Name"),
    "name_hidden": ("(nama tidak ditampilkan)", "(name not shown)"),
    "may_contact": ("boleh dihubungi", "may be contacted"),
    "steps": ("Langkah", "Steps"),
    "next_step": ("Langkah berikutnya", "Next step"),
    "step_open": ("{step} ({days} hari)", "{step} ({days} days)"),
    "all_steps_done": ("Semua langkah selesai", "Every step done"),
    # alerts
    "alert_title": ("Kirim peringatan ke pelanggan", "Send a warning to subscribers"),
    "alert_target": ("Untuk", "To"),
    "alert_everyone": ("Semua pelanggan", "Every subscriber"),
    "alert_text": ("Isi peringatan", "The warning"),
    "alert_hint": (
        "Paling banyak {limit} karakter. Anda melihat pratinjau dan jumlah penerima "
        "sebelum mengirim.",
        "At most {limit} characters. You see a preview and the number of recipients "
        "before sending.",
    ),
    "alert_preview": ("Lihat pratinjau", "Preview"),
    "alert_preview_title": ("Pratinjau peringatan", "Preview of the warning"),
    "alert_recipients": (
        "Untuk {where}: {count} orang akan menerimanya.",
        "To {where}: {count} people will receive it.",
    ),
    "alert_language_hint": (
        "Beginilah pelanggan membacanya. Pelanggan berbahasa Inggris menerima teks yang "
        "sama dengan pembuka dan penutup berbahasa Inggris. Pada jam tenang pesan menunggu "
        "sampai jam tenang berakhir.",
        "This is how subscribers read it. English-speaking subscribers get the same text "
        "with an English opening and closing. During the quiet hours it waits until they end.",
    ),
    "alert_send": ("Kirim ke {count} orang", "Send to {count} people"),
    "alert_cancel": ("Batal", "Cancel"),
    "alert_done_sent": (
        "Peringatan diantrekan untuk {count} orang.",
        "The warning is queued for {count} people.",
    ),
    "alert_done_cancelled": (
        "Peringatan dibatalkan; tidak ada yang dikirim.",
        "The warning was cancelled; nothing was sent.",
    ),
    "alert_done_gone": (
        "Pratinjau ini sudah terkirim, dibatalkan, atau kedaluwarsa (30 menit). "
        "Tidak ada yang dikirim lagi.",
        "This preview was sent, cancelled or has expired (30 minutes). Nothing more was sent.",
    ),
    "alert_empty": ("Tulis isi peringatannya dulu.", "Write the warning first."),
    "alert_too_long": (
        "Peringatan terlalu panjang (paling banyak {limit} karakter).",
        "The warning is too long (at most {limit} characters).",
    ),
    "alert_desa": (
        "Peringatan dikirim per kecamatan, jadi peran desa tidak bisa mengirimnya. "
        "Mintalah petugas kecamatan atau kabupaten.",
        "Warnings go out by kecamatan, so a desa role cannot send one. Ask the kecamatan "
        "or kabupaten officers.",
    ),
    "alert_refused": (
        "Anda tidak bisa mengirim peringatan ke wilayah ini.",
        "You cannot send a warning to this area.",
    ),
    # accounts (admin only)
    "accounts": ("Akun petugas", "Accounts"),
    "acc_title": ("Akun petugas", "Officers' accounts"),
    "acc_intro": (
        "Hanya admin yang melihat halaman ini. Setiap perubahan dicatat atas nama Anda, dan "
        "setiap perubahan mengeluarkan akun itu dari semua perangkat.",
        "Only admins see this page. Every change is logged under your name and signs that "
        "account out on every device.",
    ),
    "acc_username": ("Nama pengguna", "Username"),
    "acc_role": ("Peran", "Role"),
    "acc_state": ("Keadaan", "State"),
    "acc_totp": ("Kode aplikasi", "App code"),
    "acc_telegram": ("Telegram", "Telegram"),
    "acc_actions": ("Ubah", "Change"),
    "acc_active": ("aktif", "active"),
    "acc_disabled": ("nonaktif", "disabled"),
    "acc_locked": ("dikunci sampai {until}", "locked until {until}"),
    "acc_yes": ("wajib", "required"),
    "acc_no": ("tidak", "no"),
    "acc_not_linked": ("belum ditautkan", "not linked"),
    "acc_you": ("(Anda)", "(you)"),
    "acc_disable": ("Nonaktifkan", "Disable"),
    "acc_enable": ("Aktifkan lagi", "Enable again"),
    "acc_require_totp": ("Wajibkan kode aplikasi", "Require an app code"),
    "acc_new_totp": ("Buat rahasia baru", "Make a new secret"),
    "acc_new_password": ("Kata sandi baru", "New password"),
    "acc_password": (
        "Kata sandi (paling sedikit {min} karakter)",
        "Password (at least {min} characters)",
    ),
    "acc_password_again": ("Ketik lagi kata sandinya", "Type the password again"),
    "acc_set_password": ("Simpan kata sandi baru", "Save the new password"),
    "acc_telegram_id": ("ID Telegram (angka saja)", "Telegram id (digits only)"),
    "acc_link": ("Tautkan", "Link"),
    "acc_unlink": ("Lepas tautan Telegram", "Unlink Telegram"),
    "acc_add_title": ("Tambah akun", "Add an account"),
    "acc_add": ("Tambah akun", "Add the account"),
    "acc_kind_admin": ("admin (seluruh kabupaten, kelola akun)", "admin (whole regency, accounts)"),
    "acc_kind_kabupaten": ("seluruh Kabupaten Serang", "all of Kabupaten Serang"),
    "acc_kind_kecamatan": ("satu kecamatan", "one kecamatan"),
    "acc_kind_desa": ("satu desa", "one desa"),
    "acc_kecamatan_hint": (
        "Untuk peran kecamatan dan desa: pilih kecamatannya. Untuk peran desa: tulis juga "
        "nama desanya.",
        "For a kecamatan or desa role: choose the kecamatan. For a desa role: also type the "
        "desa's name.",
    ),
    "acc_username_hint": (
        "2 sampai 40 huruf a-z, angka, titik, tanda minus atau garis bawah.",
        "2 to 40 letters a-z, digits, dots, dashes or underscores.",
    ),
    "acc_done_added": ("Akun {who} dibuat.", "Account {who} added."),
    "acc_done_disable": ("Akun {who} dinonaktifkan.", "Account {who} disabled."),
    "acc_done_enable": ("Akun {who} aktif lagi.", "Account {who} enabled again."),
    "acc_done_reset_password": (
        "Kata sandi {who} diganti; akun itu sudah keluar dari semua perangkat.",
        "{who}'s password is changed; that account is signed out everywhere.",
    ),
    "acc_done_link_telegram": ("Tautan Telegram {who} disimpan.", "{who}'s Telegram link saved."),
    "acc_done_twice": (
        "Formulir ini sudah terkirim sebelumnya; perubahannya dilakukan satu kali saja. "
        "(Jika itu kode aplikasi dan rahasianya belum dicatat, buat rahasia baru.)",
        "This form was sent before; its change was made once only. (If it was an app code "
        "and its secret was not noted, make a new secret.)",
    ),
    "acc_bad_username": (
        "Nama pengguna tidak bisa dipakai: 2 sampai 40 huruf a-z, angka, titik, tanda minus "
        "atau garis bawah.",
        "That username cannot be used: 2 to 40 letters a-z, digits, dots, dashes or underscores.",
    ),
    "acc_bad_role": (
        "Peran tidak lengkap: pilih kecamatan dari daftar, dan untuk peran desa tulis nama "
        "desa di kecamatan itu.",
        "The role is incomplete: choose a kecamatan from the list and, for a desa role, type "
        "the name of a desa of that kecamatan.",
    ),
    "acc_bad_password": (
        "Kata sandi harus {min} sampai {max} karakter.",
        "A password needs {min} to {max} characters.",
    ),
    "acc_passwords_differ": (
        "Kedua kata sandi berbeda. Ketik lagi.",
        "The two passwords differ. Type them again.",
    ),
    "acc_exists": ("Sudah ada akun {who}.", "There is an account {who} already."),
    "acc_no_account": ("Tidak ada akun {who}.", "There is no account {who}."),
    "acc_self_disable": (
        "Anda tidak bisa menonaktifkan akun Anda sendiri.",
        "You cannot disable your own account.",
    ),
    "acc_bad_telegram": (
        "ID Telegram hanya angka (paling banyak 15).",
        "A Telegram id is digits only (at most 15).",
    ),
    "acc_telegram_taken": (
        "ID Telegram itu sudah ditautkan ke akun lain.",
        "That Telegram id is linked to another account.",
    ),
    "acc_secret_title": ("Rahasia kode aplikasi untuk {who}", "App code secret for {who}"),
    "acc_secret_once": (
        "Rahasia ini hanya ditampilkan sekali ini. Masukkan ke aplikasi autentikator di "
        "ponsel pemilik akun (ketik rahasianya, atau buka alamat otpauth di bawah). Mulai "
        "sekarang {who} harus mengetik kode 6 angka dari aplikasi itu setiap kali masuk.",
        "This secret is shown this once only. Put it into an authenticator app on the "
        "account owner's phone (type the secret, or open the otpauth address below). From "
        "now on {who} must type the app's 6-digit code at every sign-in.",
    ),
    "acc_secret": ("Rahasia", "Secret"),
    "acc_secret_uri": ("Alamat otpauth", "otpauth address"),
    "acc_back": ("← Kembali ke daftar akun", "← Back to the accounts"),
}


def say(lang: str, key: str, **values: object) -> str:
    """The text `key` in `lang` (Indonesian if `lang` is not one of LANGUAGES)."""
    indonesian, english = TEXTS[key]
    text = english if lang == "en" else indonesian
    return text.format(**values) if values else text
