package io.fatamorgana.ordercache.test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Optional;

/**
 * Runs another main class in a JVM that ends when the process that started it ends, so that an
 * application a test started in a JVM of its own never outlives the test's JVM, not even when that
 * one is killed: {@code java -cp ... io.fatamorgana.ordercache.test.DiesWithParent <main class> [arguments]}.
 */
public final class DiesWithParent {

	private DiesWithParent() {
	}

	/**
	 * Watches the parent process, then runs the main class.
	 * @param args the main class, then its arguments
	 * @throws Throwable what the main class throws
	 */
	public static void main(String[] args) throws Throwable {
		if (args.length == 0) {
			throw new IllegalArgumentException("Usage: DiesWithParent <main class> [arguments...]");
		}
		Optional<ProcessHandle> parent = ProcessHandle.current().parent();
		if (parent.isEmpty() || !parent.get().isAlive()) {
			Runtime.getRuntime().halt(1);
		}
		// halt, not exit: the application's shutdown hooks might wait for what died with the parent.
		parent.get().onExit().thenRun(() -> Runtime.getRuntime().halt(1));
		Method main = Class.forName(args[0]).getMethod("main", String[].class);
		try {
			main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

}
