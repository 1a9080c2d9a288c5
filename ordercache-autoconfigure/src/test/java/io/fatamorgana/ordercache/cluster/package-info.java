/**
 * Tests of the starter on a local Redis Cluster, with Sentinel and with a least-privilege ACL user.
 */
@NullMarked
package io.fatamorgana.ordercache.cluster;

import org.jspecify.annotations.NullMarked;
