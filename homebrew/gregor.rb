# Homebrew formula for gregor: one executable, no dependencies (Node is embedded in it).
# The url and sha256 lines are written by `npm run formula` from the release tarballs (scripts/formula.mjs);
# do not edit them by hand. Until a release is built, the sha256 lines hold zeros.
class Gregor < Formula
  desc "Kafka-protocol broker and CLI in one executable, for local development and CI"
  homepage "https://github.com/gregor-kafka/gregor"
  license "Apache-2.0"

  on_macos do
    on_arm do
      url "https://github.com/gregor-kafka/gregor/releases/download/v0.1.0/gregor-0.1.0-darwin-arm64.tar.gz"
      sha256 "0000000000000000000000000000000000000000000000000000000000000000"
    end
    on_intel do
      url "https://github.com/gregor-kafka/gregor/releases/download/v0.1.0/gregor-0.1.0-darwin-x64.tar.gz"
      sha256 "0000000000000000000000000000000000000000000000000000000000000000"
    end
  end

  on_linux do
    on_arm do
      url "https://github.com/gregor-kafka/gregor/releases/download/v0.1.0/gregor-0.1.0-linux-arm64.tar.gz"
      sha256 "0000000000000000000000000000000000000000000000000000000000000000"
    end
    on_intel do
      url "https://github.com/gregor-kafka/gregor/releases/download/v0.1.0/gregor-0.1.0-linux-x64.tar.gz"
      sha256 "0000000000000000000000000000000000000000000000000000000000000000"
    end
  end

  def install
    bin.install "gregor"
  end

  def post_install
    (var/"lib/gregor").mkpath
    (var/"log").mkpath
  end

  # `brew services start gregor`: a broker on localhost:9092 with its data under Homebrew's var folder.
  service do
    run [opt_bin/"gregor", "serve"]
    environment_variables GREGOR_DATA_DIR: var/"lib/gregor"
    keep_alive true
    working_dir var/"lib/gregor"
    log_path var/"log/gregor.log"
    error_log_path var/"log/gregor.log"
  end

  test do
    assert_match "gregor/#{version}", shell_output("#{bin}/gregor --version")

    port = free_port
    broker = spawn "#{bin}/gregor", "serve", "--ephemeral", "--port", port.to_s, out: File::NULL
    begin
      brokers = "127.0.0.1:#{port}"
      # The broker answers once `topic list` does; the first start also unpacks its addons.
      30.times do
        break if quiet_system bin/"gregor", "topic", "list", "--brokers", brokers

        sleep 0.5
      end
      system bin/"gregor", "topic", "create", "brew-test", "--brokers", brokers
      assert_equal "", pipe_output("#{bin}/gregor produce brew-test --brokers #{brokers}", "hello from brew\n", 0)
      consumed = shell_output("#{bin}/gregor consume brew-test --brokers #{brokers} -o beginning -e -f '%o %s\\n'")
      assert_equal "0 hello from brew\n", consumed
    ensure
      Process.kill("TERM", broker)
      Process.wait(broker)
    end
  end
end
