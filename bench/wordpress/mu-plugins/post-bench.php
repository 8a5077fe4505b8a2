<?php
/**
 * Plugin Name: post_bench (benchmark only)
 * Description: bench/post_bench.py's two changes to WordPress, for the benchmark only.
 *
 * 1. Flood check neutralised. WordPress refuses a comment (HTTP 429, "You are posting
 *    comments too quickly") when the same address or email commented less than 15 s ago:
 *    wp_check_comment_flood() (hooked on 'wp_is_comment_flood' by check_comment_flood_db())
 *    looks up the last comment from that address or email, then asks the
 *    'comment_flood_filter' filter, where wp_throttle_comment_flood() compares the times.
 *    Every bench comment comes from 127.0.0.1 through nginx, so we remove
 *    wp_throttle_comment_flood: the lookup query still runs on every comment, as our side's
 *    rate-limit counter still runs (COMMENTS_RATE_LIMIT raised to 1,000,000), but never refuses.
 *    The same as raising the 15 s to 0: the check's cost stays, its refusals go.
 * 2. Measurement only: the number of database queries of the request so far
 *    ($wpdb->num_queries, counted by wpdb whatever SAVEQUERIES says) is sent as
 *    X-Bench-Queries when wp-comments-post.php redirects after storing a comment. One header.
 */

remove_filter( 'comment_flood_filter', 'wp_throttle_comment_flood', 10 );

add_filter(
	'wp_redirect',
	function ( $location ) {
		global $wpdb;
		if ( ! headers_sent() ) {
			header( 'X-Bench-Queries: ' . (int) $wpdb->num_queries );
		}
		return $location;
	},
	PHP_INT_MAX
);
