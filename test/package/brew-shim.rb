# Runs a Homebrew formula the way `brew install` + `brew test` + `brew services` would, without Homebrew
# (which is not installable here): only the parts of Homebrew's formula DSL gregor's formula uses.
#   ruby brew-shim.rb <formula.rb> <artifacts dir> <work dir>
# 1. picks this machine's url + sha256 (on_macos/on_linux, on_arm/on_intel), finds the tarball by the url's
#    file name in <artifacts dir> and checks its sha256, as brew does after a download
# 2. unpacks it and runs the formula's `install` and `post_install` into <work dir>/Cellar and var
# 3. runs the `test do` block in a fresh testpath with HOME set to it, as `brew test` does
# 4. prints the `service do` settings as JSON on stdout (what `brew services` would start)
# Any failure raises: the exit code is non-zero and the message is on stderr.
require "digest"
require "fileutils"
require "json"
require "pathname"
require "socket"
require "tmpdir"

class Pathname
  # Homebrew's Pathname#install: moves files from the current folder into this one.
  def install(*names)
    mkpath
    names.flatten.each { |name| FileUtils.mv(name, self / File.basename(name)) }
  end
end

class Formula
  class AssertionError < StandardError; end

  class << self
    attr_reader :stable_url, :stable_sha256, :service_block, :test_block

    def desc(text = nil) = text ? @desc = text : @desc
    def homepage(text = nil) = text ? @homepage = text : @homepage
    def license(text = nil) = text ? @license = text : @license
    def url(text) = @stable_url = text
    def sha256(text) = @stable_sha256 = text
    def on_macos = (yield if RUBY_PLATFORM.include?("darwin"))
    def on_linux = (yield if RUBY_PLATFORM.include?("linux"))
    def on_arm = (yield if RUBY_PLATFORM.match?(/arm64|aarch64/))
    def on_intel = (yield if RUBY_PLATFORM.match?(/x86_64|x64/))
    def service(&block) = @service_block = block
    def test(&block) = @test_block = block

    def inherited(subclass)
      super
      Formula.defined << subclass
    end

    def defined = (@defined ||= [])
  end

  attr_reader :work, :testpath

  def initialize(work)
    @work = Pathname(work)
  end

  def name = self.class.name.downcase
  # As Homebrew does: the version is read from the url.
  def version = self.class.stable_url[/-(\d+(?:\.\d+)+)-[a-z]+-[a-z0-9]+\.tar\.gz\z/, 1] || raise("no version in url")
  def prefix = work / "Cellar" / name / version
  def bin = prefix / "bin"
  def opt_prefix = work / "opt" / name
  def opt_bin = opt_prefix / "bin"
  def var = work / "var"

  def free_port
    server = TCPServer.new("127.0.0.1", 0)
    server.addr[1]
  ensure
    server&.close
  end

  def system(*args)
    raise AssertionError, "failed: #{args.join(" ")}" unless Kernel.system(*args.map(&:to_s))
  end

  def quiet_system(*args) = Kernel.system(*args.map(&:to_s), out: File::NULL, err: File::NULL)

  def shell_output(cmd, result = 0)
    output = IO.popen(cmd, &:read)
    assert_equal result, $?.exitstatus, "exit code of #{cmd}" if result
    output
  end

  def pipe_output(cmd, input = nil, result = nil)
    output = IO.popen(cmd, "r+") do |pipe|
      pipe.write(input) if input
      pipe.close_write
      pipe.read
    end
    assert_equal result, $?.exitstatus, "exit code of #{cmd}" if result
    output
  end

  def assert_equal(expected, actual, what = nil)
    return if expected == actual

    raise AssertionError, "#{what || "value"}: expected #{expected.inspect}, got #{actual.inspect}"
  end

  def assert_match(pattern, text)
    matched = pattern.is_a?(Regexp) ? pattern.match?(text) : text.include?(pattern)
    raise AssertionError, "expected #{text.inspect} to match #{pattern.inspect}" unless matched
  end

  def run_test
    Dir.mktmpdir("brew-test-", work) do |dir|
      @testpath = Pathname(dir)
      home = ENV.fetch("HOME", nil)
      ENV["HOME"] = dir
      Dir.chdir(dir) { instance_exec(&self.class.test_block) }
    ensure
      ENV["HOME"] = home
    end
  end

  def post_install; end
end

# `service do`: records what brew services would run; the formula's own methods (opt_bin, var) stay in reach.
class ServiceSettings
  SETTINGS = %i[run environment_variables keep_alive working_dir log_path error_log_path].freeze

  def initialize(formula)
    @formula = formula
    @settings = {}
  end

  SETTINGS.each do |setting|
    define_method(setting) { |value| @settings[setting] = value }
  end

  def method_missing(name, ...) = @formula.respond_to?(name) ? @formula.public_send(name, ...) : super
  def respond_to_missing?(name, include_private = false) = @formula.respond_to?(name) || super

  def to_h
    instance_exec(&@formula.class.service_block)
    @settings.transform_values do |v|
      case v
      when Array then v.map(&:to_s)
      when Hash then v.transform_values(&:to_s)
      when Pathname then v.to_s
      else v
      end
    end
  end
end

formula_file, artifacts, work = ARGV
abort "usage: ruby brew-shim.rb <formula.rb> <artifacts dir> <work dir>" if work.nil?
load formula_file
klass = Formula.defined.last or abort "#{formula_file} defines no Formula"
abort "#{formula_file}: no url for #{RUBY_PLATFORM}" if klass.stable_url.nil?

formula = klass.new(File.expand_path(work))
tarball = File.join(artifacts, File.basename(klass.stable_url))
abort "#{tarball} not found (the formula's url for this machine)" unless File.exist?(tarball)
actual = Digest::SHA256.file(tarball).hexdigest
abort "SHA256 mismatch for #{tarball}: formula says #{klass.stable_sha256}, file is #{actual}" if actual != klass.stable_sha256
warn "shim: #{File.basename(tarball)} sha256 ok"

Dir.mktmpdir("brew-stage-", formula.work) do |stage|
  Kernel.system("tar", "-xzf", tarball, "-C", stage, exception: true)
  Dir.chdir(stage) { formula.install }
end
formula.opt_prefix.dirname.mkpath
File.symlink(formula.prefix, formula.opt_prefix)
formula.post_install
warn "shim: installed #{formula.prefix.children.map { |c| c.basename.to_s }.join(", ")}"

formula.run_test
warn "shim: test do passed"

puts JSON.generate(ServiceSettings.new(formula).to_h)
