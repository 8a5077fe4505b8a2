<?php
/**
 * bench/post_bench.py's WordPress installer and seeder (PHP CLI, run once per bench run).
 *
 *   php setup.php DOCROOT SPEC.json
 *
 * DOCROOT is the bench's private copy of Debian's /usr/share/wordpress with the wp-config.php
 * written from bench/wordpress/wp-config.php. SPEC.json (written by post_bench.py):
 *   {"title": ..., "content": ..., "roots": 250, "replies_per_root": 3}
 *
 * 1. wp_install(), the function wp-admin/install.php calls (no browser), with WordPress's
 *    default options, then the permalink structure WordPress's installer picks on a server
 *    that rewrites (/%year%/%monthnum%/%day%/%postname%/). The Discussion settings keep
 *    their defaults (comment_previously_approved = 1: a first comment is held; comments_notify
 *    and moderation_notify = 1: mail is sent inside the request; page_comments = 0).
 * 2. One published post with SPEC's title and content (the same HTML as our bench post) and
 *    roots x (1 + replies_per_root) approved comments, threaded like tests.factories.comments():
 *    root n by "Reader n" <readern@example.com>, 2 * (roots - n) minutes old, each with its
 *    replies by "Replier k" <replierk@example.com> a minute later.
 *
 * Prints one line: RESULT {"post_id": ..., "url": ..., "comment_ids": [...]} (JSON).
 */

if ( PHP_SAPI !== 'cli' || $argc !== 3 ) {
	fwrite( STDERR, "usage: php setup.php DOCROOT SPEC.json\n" );
	exit( 2 );
}
$docroot = rtrim( $argv[1], '/' );
$spec    = json_decode( file_get_contents( $argv[2] ), true );

define( 'WP_INSTALLING', true );
$_SERVER['HTTP_HOST']   = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
require $docroot . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

if ( is_blog_installed() ) {
	fwrite( STDERR, "setup.php: WordPress is already installed in this database\n" );
	exit( 1 );
}
$installed = wp_install( 'Post bench', 'admin', 'admin@example.org', false, '', wp_generate_password( 24 ) );
if ( empty( $installed['user_id'] ) ) {
	fwrite( STDERR, "setup.php: wp_install() failed\n" );
	exit( 1 );
}

global $wp_rewrite, $wpdb;
$wp_rewrite->set_permalink_structure( '/%year%/%monthnum%/%day%/%postname%/' );
$wp_rewrite->flush_rules( false );

$post_id = wp_insert_post(
	array(
		'post_title'     => $spec['title'],
		'post_content'   => $spec['content'],
		'post_status'    => 'publish',
		'post_author'    => $installed['user_id'],
		'comment_status' => 'open',
		'post_date'      => gmdate( 'Y-m-d H:i:s', time() - 3600 ),
	),
	true
);
if ( is_wp_error( $post_id ) ) {
	fwrite( STDERR, 'setup.php: wp_insert_post() failed: ' . $post_id->get_error_message() . "\n" );
	exit( 1 );
}

wp_defer_comment_counting( true );
$now   = time();
$ids   = array();
$roots = (int) $spec['roots'];
$per   = (int) $spec['replies_per_root'];
$base  = array(
	'comment_post_ID'   => $post_id,
	'comment_author_IP' => '10.0.0.1',
	'comment_agent'     => 'post_bench seeder',
	'comment_approved'  => 1,
	'comment_type'      => 'comment',
	'comment_author_url' => '',
);
for ( $n = 0; $n < $roots; $n++ ) {
	$when = $now - 120 * ( $roots - $n );
	$root = wp_insert_comment(
		$base + array(
			'comment_author'       => "Reader $n",
			'comment_author_email' => "reader$n@example.com",
			'comment_content'      => "Comment number $n",
			'comment_date'         => get_date_from_gmt( gmdate( 'Y-m-d H:i:s', $when ) ),
			'comment_date_gmt'     => gmdate( 'Y-m-d H:i:s', $when ),
			'comment_parent'       => 0,
		)
	);
	if ( ! $root ) {
		fwrite( STDERR, "setup.php: wp_insert_comment() failed: {$wpdb->last_error}\n" );
		exit( 1 );
	}
	$ids[] = $root;
	for ( $k = 0; $k < $per; $k++ ) {
		$reply_when = $when + 60 + $k;
		$ids[]      = wp_insert_comment(
			$base + array(
				'comment_author'       => "Replier $k",
				'comment_author_email' => "replier$k@example.com",
				'comment_content'      => "Reply $k to comment $n",
				'comment_date'         => get_date_from_gmt( gmdate( 'Y-m-d H:i:s', $reply_when ) ),
				'comment_date_gmt'     => gmdate( 'Y-m-d H:i:s', $reply_when ),
				'comment_parent'       => $root,
			)
		);
	}
}
wp_defer_comment_counting( false );
wp_update_comment_count_now( $post_id );

echo 'RESULT ' . wp_json_encode(
	array(
		'post_id'     => $post_id,
		'url'         => get_permalink( $post_id ),
		'comment_ids' => array_map( 'intval', $ids ),
		'version'     => $GLOBALS['wp_version'],
	)
) . "\n";
