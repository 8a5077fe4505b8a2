<?php
/**
 * wp-config.php for bench/post_bench.py (a template: post_bench.py replaces the @@…@@ marks
 * and writes it into its private copy of Debian's /usr/share/wordpress, replacing Debian's
 * wp-config.php, which reads /etc/wordpress/config-<host>.php: nothing under /etc is touched).
 *
 * Production-like: WP_DEBUG off; MariaDB on this machine over TCP (127.0.0.1:3306), as our
 * side reaches PostgreSQL; no persistent object cache (WordPress's default).
 * DISABLE_WP_CRON: WordPress's recommended production setup with a system cron; otherwise
 * a page view may start wp-cron.php (a loopback request taking a php-fpm worker) at any time.
 * WP_HTTP_BLOCK_EXTERNAL: this machine has no internet; blocked calls fail at once instead
 * of waiting for a network timeout. Neither changes what posting a comment does.
 */

define( 'DB_NAME', '@@DB_NAME@@' );
define( 'DB_USER', '@@DB_USER@@' );
define( 'DB_PASSWORD', '@@DB_PASSWORD@@' );
define( 'DB_HOST', '@@DB_HOST@@' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );

define( 'AUTH_KEY', '@@KEY_1@@' );
define( 'SECURE_AUTH_KEY', '@@KEY_2@@' );
define( 'LOGGED_IN_KEY', '@@KEY_3@@' );
define( 'NONCE_KEY', '@@KEY_4@@' );
define( 'AUTH_SALT', '@@KEY_5@@' );
define( 'SECURE_AUTH_SALT', '@@KEY_6@@' );
define( 'LOGGED_IN_SALT', '@@KEY_7@@' );
define( 'NONCE_SALT', '@@KEY_8@@' );

$table_prefix = 'wp_';

define( 'WP_HOME', '@@URL@@' );
define( 'WP_SITEURL', '@@URL@@' );
define( 'WP_DEBUG', false );
define( 'DISABLE_WP_CRON', true );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_AUTO_UPDATE_CORE', false );

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
