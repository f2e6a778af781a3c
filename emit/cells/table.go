package cells

// cellTable is THE category → cell table. Each cell lists the Gentoo
// categories it receives, in rank order: when two packages of one cell share
// a PN, the one whose category comes first keeps the plain PN directory (see
// Layout). docs/CELLS.md prints this table (TestDocTable keeps it in sync).
//
// The seed fixes three labels: sys-libs/zlib → core//zlib:zlib,
// sys-apps/busybox → core//busybox:busybox, dev-libs/openssl →
// dev-libs//openssl:openssl. The rest follows the placements recorded in the
// BuckOS history (sys-kernel → kernel, sys-boot → boot, dev-db → databases,
// app-shells → shells, x11-terms → terminals, media-fonts → fonts, ...).
var cellTable = []struct {
	Cell       string
	Categories []string
}{
	{"ai", []string{"sci-libs", "sci-mathematics", "sci-misc", "sci-calculators", "sci-biology", "sci-chemistry", "sci-physics", "sci-astronomy", "sci-geosciences", "sci-visualization"}},
	{"audio", []string{"media-sound", "media-radio"}},
	{"benchmarks", []string{"app-benchmarks"}},
	{"boot", []string{"sys-boot"}},
	{"cad", []string{"sci-electronics"}},
	{"communication", []string{"mail-mta", "mail-client", "mail-filter", "net-mail", "net-im", "net-irc", "net-voip", "net-news", "net-nntp", "app-mobilephone", "app-pda"}},
	{"core", []string{"sys-libs", "sys-apps", "app-arch", "virtual"}},
	{"databases", []string{"dev-db"}},
	{"desktop", []string{"gui-libs", "gui-apps", "gui-wm", "x11-wm", "x11-themes", "gnome-base", "gnome-extra", "kde-frameworks", "kde-plasma", "kde-apps", "kde-misc", "lxde-base", "lxqt-base", "mate-base", "mate-extra", "xfce-base", "xfce-extra", "gnustep-base", "gnustep-libs", "gnustep-apps", "app-office", "app-officeext", "app-accessibility", "app-i18n"}},
	{"dev-libs", []string{"dev-libs", "dev-cpp", "dev-qt", "dev-python", "dev-perl", "perl-core", "dev-ruby", "dev-php", "dev-lua", "dev-go", "dev-java", "dev-dotnet", "dev-haskell", "dev-ml", "dev-erlang", "dev-lisp", "dev-scheme", "dev-tcltk", "dev-ada"}},
	{"dev-tools", []string{"dev-util", "sys-devel", "dev-vcs", "dev-embedded"}},
	{"editors", []string{"app-editors", "app-text", "app-vim", "app-emacs", "app-xemacs", "app-dicts", "dev-tex", "dev-texlive"}},
	{"emulation", []string{"app-emulation", "app-containers", "games-emulation"}},
	{"examples", []string{"app-doc"}},
	{"fedora-compat", []string{"app-portage"}},
	{"fonts", []string{"media-fonts"}},
	{"gaming", []string{"games-engines", "dev-games", "games-action", "games-arcade", "games-board", "games-fps", "games-kids", "games-misc", "games-mud", "games-puzzle", "games-roguelike", "games-rpg", "games-server", "games-simulation", "games-sports", "games-strategy", "games-util"}},
	{"graphics", []string{"x11-libs", "x11-base", "x11-drivers", "x11-apps", "x11-misc", "x11-plugins", "media-gfx"}},
	{"kernel", []string{"sys-kernel", "sys-firmware"}},
	{"lang", []string{"dev-lang", "java-virtuals"}},
	{"laptop", []string{"sys-power", "app-laptop"}},
	{"media", []string{"media-libs", "media-video", "media-plugins", "media-tv"}},
	{"network", []string{"net-libs", "net-misc", "net-analyzer", "net-dns", "net-firewall", "net-fs", "net-ftp", "net-dialup", "net-nds", "net-p2p", "net-print", "net-proxy", "net-vpn", "net-wireless"}},
	{"robotics", []string{"dev-ros", "ros-meta"}},
	{"shells", []string{"app-shells"}},
	{"system", []string{"sys-auth", "sys-block", "sys-fs", "sys-process", "sys-cluster", "sys-fabric", "app-admin", "app-eselect", "app-crypt", "app-antivirus", "app-backup", "app-cdr", "app-forensics", "app-metrics", "app-misc", "sec-keys", "sec-policy", "acct-group", "acct-user"}},
	{"terminals", []string{"x11-terms"}},
	{"www", []string{"www-servers", "www-client", "www-apps", "www-apache", "www-misc", "www-plugins"}},
}

// newerCategories are categories Gentoo created after the reference list
// (categories.txt) was taken, placed explicitly where the prefix fallback
// would be wrong (dev-build holds make, meson, autoconf: dev-tools, not
// dev-libs) or has no answer (llvm-core). They rank after the cell's
// listed categories, in this order.
var newerCategories = []struct{ Category, Cell string }{
	{"app-alternatives", "core"},
	{"app-voices", "audio"},
	{"dev-build", "dev-tools"},
	{"dev-debug", "dev-tools"},
	{"llvm-core", "lang"},
	{"llvm-runtimes", "lang"},
	{"mpv-plugin", "media"},
	{"phosh-base", "desktop"},
	{"sci-ml", "ai"},
}

// prefixFallback places a category that is not in the table (an overlay may
// add one, e.g. chromeos-base) by the part of its name before the first '-'.
// A prefix not listed here goes to defaultCell.
var prefixFallback = map[string]string{
	"acct":    "system",
	"app":     "system",
	"dev":     "dev-libs",
	"games":   "gaming",
	"gnome":   "desktop",
	"gnustep": "desktop",
	"gui":     "desktop",
	"java":    "lang",
	"kde":     "desktop",
	"lxde":    "desktop",
	"lxqt":    "desktop",
	"mail":    "communication",
	"mate":    "desktop",
	"media":   "media",
	"net":     "network",
	"perl":    "dev-libs",
	"ros":     "robotics",
	"sci":     "ai",
	"sec":     "system",
	"sys":     "system",
	"www":     "www",
	"x11":     "graphics",
	"xfce":    "desktop",
}

// defaultCell receives categories whose prefix is unknown.
const defaultCell = "system"
