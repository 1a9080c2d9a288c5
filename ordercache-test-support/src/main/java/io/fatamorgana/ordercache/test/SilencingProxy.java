package io.fatamorgana.ordercache.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy in front of one Redis server that can silence its pub/sub subscribers: while
 * {@link #silenceSubscribers(boolean) silenced}, whatever the server sends to a client connection
 * that has sent a {@code SUBSCRIBE} (or {@code SSUBSCRIBE}, {@code PSUBSCRIBE}) command is read and
 * dropped, so that the subscriber stays connected (Redis counts it as a receiver, the client sees
 * an open connection) and receives nothing, while every other connection works normally. This is
 * the "connected and deaf" subscription the near cache's heartbeat must detect.
 * <p>
 * Listens on a free port of 127.0.0.1; one pair of threads per connection. The server's bytes are
 * dropped by whole RESP2/RESP3 replies and pushes (frames), never in the middle of one, so that the
 * client's decoder is intact when the silence ends and the following frames are delivered again.
 * A frame that began before the switch is delivered or dropped whole, as decided when it began.
 */
public final class SilencingProxy implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(SilencingProxy.class);

	/** The RESP bulk strings that make a connection a subscriber, lower case. */
	private static final List<byte[]> SUBSCRIBE_MARKERS = List.of(ascii("$9\r\nsubscribe\r\n"),
			ascii("$10\r\nssubscribe\r\n"), ascii("$10\r\npsubscribe\r\n"));

	private static final int MARKER_TAIL = SUBSCRIBE_MARKERS.stream().mapToInt((marker) -> marker.length).max()
		.orElseThrow() - 1;

	private static final int KEPT_FRAMES = 1_000;

	private static final int KEPT_FRAME_BYTES = 512;

	private final String targetHost;

	private final int targetPort;

	private final ServerSocket listener;

	private final Thread acceptor;

	private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

	private final AtomicInteger connectionIds = new AtomicInteger();

	private final AtomicLong droppedFrames = new AtomicLong();

	private final AtomicLong droppedBytes = new AtomicLong();

	/** The last frames dropped, as text (ISO-8859-1), each cut at {@link #KEPT_FRAME_BYTES}. */
	private final Deque<String> recentlyDropped = new ArrayDeque<>();

	private volatile boolean silenced;

	private volatile boolean closed;

	private SilencingProxy(String targetHost, int targetPort) throws IOException {
		this.targetHost = targetHost;
		this.targetPort = targetPort;
		this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.acceptor = new Thread(this::accept, "silencing-proxy-" + this.listener.getLocalPort() + "-accept");
		this.acceptor.setDaemon(true);
	}

	/**
	 * Starts a proxy to a server.
	 * @param targetHost the server's host
	 * @param targetPort the server's port
	 * @return the running proxy
	 */
	public static SilencingProxy start(String targetHost, int targetPort) {
		try {
			SilencingProxy proxy = new SilencingProxy(targetHost, targetPort);
			proxy.acceptor.start();
			logger.info("Silencing proxy on 127.0.0.1:{} to {}:{}", proxy.port(), targetHost, targetPort);
			return proxy;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start the proxy", ex);
		}
	}

	/**
	 * Starts a proxy to a Redis process of a test.
	 * @param redis the Redis process
	 * @return the running proxy
	 */
	public static SilencingProxy start(RedisProcess redis) {
		return start("127.0.0.1", redis.port());
	}

	/** The port the proxy listens on, of 127.0.0.1. */
	public int port() {
		return this.listener.getLocalPort();
	}

	/** The URL to connect through the proxy, {@code redis://127.0.0.1:port}. */
	public String url() {
		return "redis://127.0.0.1:" + port();
	}

	/**
	 * Turns the silence of subscribers on or off. Takes effect with the next frame the server sends
	 * on each subscriber connection; also silences connections that subscribe later.
	 * @param silenced whether the server's bytes to subscriber connections are dropped
	 */
	public void silenceSubscribers(boolean silenced) {
		this.silenced = silenced;
		logger.info("Silencing proxy on port {}: subscribers {}", port(), silenced ? "silenced" : "heard again");
	}

	/** Whether subscribers are silenced now. */
	public boolean subscribersSilenced() {
		return this.silenced;
	}

	/** How many connections are open now. */
	public int connections() {
		return this.connections.size();
	}

	/** How many open connections have sent a subscribe command. */
	public int subscriberConnections() {
		return (int) this.connections.stream().filter((connection) -> connection.subscriber).count();
	}

	/** How many frames (replies, messages) from the server were dropped so far. */
	public long droppedFrames() {
		return this.droppedFrames.get();
	}

	/** How many bytes from the server were dropped so far. */
	public long droppedBytes() {
		return this.droppedBytes.get();
	}

	/**
	 * The last frames dropped (up to 1,000, oldest first), as text: a test can tell that a given
	 * message was dropped, for example {@code anyMatch((frame) -> frame.contains("o near_P1 "))}.
	 * Each is cut after 512 bytes.
	 * @return a copy of the frames
	 */
	public List<String> recentlyDropped() {
		synchronized (this.recentlyDropped) {
			return new ArrayList<>(this.recentlyDropped);
		}
	}

	private void keepDropped(ByteArrayOutputStream frame) {
		synchronized (this.recentlyDropped) {
			if (this.recentlyDropped.size() == KEPT_FRAMES) {
				this.recentlyDropped.removeFirst();
			}
			this.recentlyDropped.addLast(frame.toString(StandardCharsets.ISO_8859_1));
		}
	}

	@Override
	public void close() {
		this.closed = true;
		try {
			this.listener.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
		for (Connection connection : this.connections) {
			connection.close();
		}
		try {
			this.acceptor.join(5_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void accept() {
		while (!this.closed) {
			Socket client;
			try {
				client = this.listener.accept();
			}
			catch (IOException ex) {
				if (!this.closed) {
					logger.warn("Silencing proxy on port {} stops accepting", port(), ex);
				}
				return;
			}
			Socket server = new Socket();
			try {
				client.setTcpNoDelay(true);
				server.setTcpNoDelay(true);
				server.connect(new InetSocketAddress(this.targetHost, this.targetPort), 5_000);
			}
			catch (IOException ex) {
				// The target does not answer: the client sees its connection closed, as with a dead server.
				closeQuietly(client);
				closeQuietly(server);
				continue;
			}
			Connection connection = new Connection(this.connectionIds.incrementAndGet(), client, server);
			this.connections.add(connection);
			if (this.closed) {
				connection.close();
				return;
			}
			connection.start();
		}
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// nothing to do
		}
	}

	/** One client connection and its connection to the server. */
	private final class Connection {

		private final Socket client;

		private final Socket server;

		private final Thread up;

		private final Thread down;

		private volatile boolean subscriber;

		Connection(int id, Socket client, Socket server) {
			this.client = client;
			this.server = server;
			String name = "silencing-proxy-" + port() + "-" + id;
			this.up = new Thread(this::clientToServer, name + "-up");
			this.down = new Thread(this::serverToClient, name + "-down");
			this.up.setDaemon(true);
			this.down.setDaemon(true);
		}

		void start() {
			this.up.start();
			this.down.start();
		}

		private void clientToServer() {
			byte[] buffer = new byte[16 * 1024];
			// The last bytes of the previous read, lower case, so that a marker split between two reads is found.
			byte[] window = new byte[MARKER_TAIL + buffer.length];
			int tail = 0;
			try (InputStream in = this.client.getInputStream(); OutputStream out = this.server.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) != -1) {
					if (!this.subscriber) {
						for (int i = 0; i < read; i++) {
							window[tail + i] = (byte) Character.toLowerCase((char) (buffer[i] & 0xff));
						}
						int length = tail + read;
						if (containsMarker(window, length)) {
							// Marked before the command is forwarded: its own confirmation is silenced too.
							this.subscriber = true;
						}
						tail = Math.min(MARKER_TAIL, length);
						System.arraycopy(window, length - tail, window, 0, tail);
					}
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// the connection ends
			}
			finally {
				close();
			}
		}

		private void serverToClient() {
			byte[] buffer = new byte[16 * 1024];
			byte[] forwarded = new byte[buffer.length];
			RespFrames frames = new RespFrames();
			ByteArrayOutputStream droppedFrame = new ByteArrayOutputStream();
			boolean dropping = false;
			try (InputStream in = this.server.getInputStream(); OutputStream out = this.client.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) != -1) {
					int kept = 0;
					long dropped = 0;
					for (int i = 0; i < read; i++) {
						if (frames.atBoundary()) {
							dropping = SilencingProxy.this.silenced && this.subscriber;
							if (dropping) {
								SilencingProxy.this.droppedFrames.incrementAndGet();
							}
						}
						if (dropping) {
							dropped++;
							if (droppedFrame.size() < KEPT_FRAME_BYTES) {
								droppedFrame.write(buffer[i]);
							}
						}
						else {
							forwarded[kept++] = buffer[i];
						}
						if (frames.next(buffer[i]) && dropping) {
							keepDropped(droppedFrame);
							droppedFrame.reset();
						}
					}
					if (dropped > 0) {
						SilencingProxy.this.droppedBytes.addAndGet(dropped);
					}
					if (kept > 0) {
						out.write(forwarded, 0, kept);
						out.flush();
					}
				}
			}
			catch (IOException ex) {
				// the connection ends
			}
			finally {
				close();
			}
		}

		void close() {
			SilencingProxy.this.connections.remove(this);
			closeQuietly(this.client);
			closeQuietly(this.server);
		}

		private static boolean containsMarker(byte[] bytes, int length) {
			for (byte[] marker : SUBSCRIBE_MARKERS) {
				outer: for (int from = 0; from <= length - marker.length; from++) {
					for (int i = 0; i < marker.length; i++) {
						if (bytes[from + i] != marker[i]) {
							continue outer;
						}
					}
					return true;
				}
			}
			return false;
		}

	}

	/**
	 * Finds where the frames of a RESP2 or RESP3 stream from a server end, one byte at a time: simple
	 * lines ({@code + - : _ # , (}), bulk strings ({@code $ ! =}, null included), aggregates
	 * ({@code * ~ >}, and {@code %} of pairs) and attributes ({@code |}, which belong to the value
	 * that follows them).
	 */
	static final class RespFrames {

		private static final int TYPE = 0;

		private static final int LINE = 1;

		private static final int BULK = 2;

		private int state = TYPE;

		private byte type;

		private long number;

		private boolean negative;

		private boolean carriageReturn;

		private long bulkRemaining;

		/** For each aggregate begun and not ended, how many elements it still lacks. */
		private long[] open = new long[16];

		private int depth;

		/**
		 * Whether the bytes so far are whole frames: the next byte begins a new one.
		 * @return whether it does
		 */
		boolean atBoundary() {
			return this.state == TYPE && this.depth == 0;
		}

		/**
		 * Takes the next byte of the stream.
		 * @param b the byte
		 * @return whether it ended a frame
		 */
		boolean next(byte b) {
			switch (this.state) {
				case TYPE -> {
					this.type = b;
					this.number = 0;
					this.negative = false;
					this.carriageReturn = false;
					this.state = LINE;
					return false;
				}
				case LINE -> {
					if (b == '\r') {
						this.carriageReturn = true;
						return false;
					}
					if (b != '\n' || !this.carriageReturn) {
						this.carriageReturn = false;
						if (b == '-') {
							this.negative = true;
						}
						else if (b >= '0' && b <= '9') {
							this.number = this.number * 10 + (b - '0');
						}
						return false;
					}
					return lineEnded(this.negative ? -this.number : this.number);
				}
				default -> {
					if (--this.bulkRemaining == 0) {
						return elementEnded();
					}
					return false;
				}
			}
		}

		private boolean lineEnded(long value) {
			switch (this.type) {
				case '$', '!', '=' -> {
					if (value < 0) {
						return elementEnded();
					}
					this.bulkRemaining = value + 2;
					this.state = BULK;
					return false;
				}
				case '*', '~', '>' -> {
					return aggregate(value);
				}
				case '%' -> {
					return aggregate((value < 0) ? value : 2 * value);
				}
				case '|' -> {
					// The attribute's pairs, then the value they describe: one frame.
					return aggregate(2 * Math.max(0, value) + 1);
				}
				default -> {
					return elementEnded();
				}
			}
		}

		private boolean aggregate(long elements) {
			if (elements <= 0) {
				return elementEnded();
			}
			if (this.depth == this.open.length) {
				this.open = Arrays.copyOf(this.open, this.depth * 2);
			}
			this.open[this.depth++] = elements;
			this.state = TYPE;
			return false;
		}

		private boolean elementEnded() {
			this.state = TYPE;
			while (this.depth > 0) {
				if (--this.open[this.depth - 1] > 0) {
					return false;
				}
				this.depth--;
			}
			return true;
		}

	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT, "SilencingProxy[127.0.0.1:%d -> %s:%d, silenced=%s]", port(), this.targetHost,
				this.targetPort, this.silenced);
	}

}
