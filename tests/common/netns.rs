//! A LAN of Linux network namespaces for end-to-end tests: a few "laptops", each a namespace
//! with one interface (`eth0`, 10.77.0.N/24) on a bridge that lives in a namespace of its own
//! (the "switch"). Nothing is added to the machine's own namespace, so no packet can leave the
//! LAN. Optionally the laptops have a default route (to a gateway that does not exist, or to
//! one that drops everything: a filtered or captive network), and optionally multicast and
//! broadcast are dropped in a laptop (nftables), as on school Wi-Fi.
//!
//! Everything is removed when the [`Lan`] is dropped, also when a test fails: the processes
//! still running in its namespaces are killed, then the namespaces are deleted (which deletes
//! their interfaces). Names carry the test process's id and a counter, so tests running in
//! parallel never share one, and namespaces left by a test process that no longer runs (one
//! killed with SIGKILL) are removed by the next [`Lan::new`].
//!
//! Needs root (CI runs as root). Without it, [`Lan::new`] prints why and returns `None`, and
//! the test returns early: that is the only reason a test skips.

use std::ffi::OsStr;
use std::net::Ipv4Addr;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

use super::serving::Serving;

/// Every namespace of these tests starts with this.
const PREFIX: &str = "kringlan-";
static NEXT_LAN: AtomicUsize = AtomicUsize::new(0);

/// How a [`Lan`] is set up.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LanSetup {
    /// A default route in every laptop (via 10.77.0.254, which nobody answers). Without it the
    /// LAN is like a classroom access point with no internet uplink.
    pub default_route: bool,
    /// Drop multicast and broadcast in every laptop, both ways (no mDNS at all).
    pub drop_multicast: bool,
    /// A gateway at 10.77.0.254 (a namespace of its own on the switch) that takes every
    /// packet and answers none, and is every laptop's DNS server: the internet is "half
    /// there", as behind a captive portal or a filter that silently drops. Implies a default
    /// route.
    pub silent_gateway: bool,
}

impl LanSetup {
    /// An isolated LAN: no default route, multicast works.
    pub(crate) const ISOLATED: LanSetup =
        LanSetup { default_route: false, drop_multicast: false, silent_gateway: false };
}

/// The gateway of [`LanSetup::silent_gateway`].
const GATEWAY: &str = "10.77.0.254";

pub(crate) struct Lan {
    name: String,
    hosts: Vec<String>,
}

impl Lan {
    /// A LAN of `hosts` laptops, or `None` (with the reason printed) where network namespaces
    /// cannot be made: not root. As root, anything that fails is a test failure.
    pub(crate) fn new(hosts: usize, setup: LanSetup) -> Option<Lan> {
        if !is_root() {
            eprintln!(
                "SKIPPED: this test builds a LAN of network namespaces, which needs root (CI runs as root); \
                 run it as root to test it"
            );
            return None;
        }
        remove_stale();
        let name = format!("{PREFIX}{}-{}", std::process::id(), NEXT_LAN.fetch_add(1, Ordering::Relaxed));
        let mut lan = Lan { hosts: Vec::new(), name };
        let switch = lan.switch();
        ip(&["netns", "add", &switch]);
        ip(&["-n", &switch, "link", "add", "br0", "type", "bridge"]);
        // Forward at once (no STP learning delay) and pass multicast without snooping.
        ip(&["-n", &switch, "link", "set", "br0", "type", "bridge", "forward_delay", "0", "mcast_snooping", "0"]);
        ip(&["-n", &switch, "link", "set", "br0", "up"]);
        for host in 0..hosts {
            let ns = format!("{}-{host}", lan.name);
            ip(&["netns", "add", &ns]);
            lan.hosts.push(ns.clone());
            ip(&["-n", &ns, "link", "set", "lo", "up"]);
            // No IPv6 on the LAN: only the addresses given here exist.
            lan.disable_ipv6(host);
            let port = format!("p{host}");
            // Made inside the switch, the other end moved straight into the laptop.
            ip(&["-n", &switch, "link", "add", &port, "type", "veth", "peer", "name", "eth0", "netns", &ns]);
            ip(&["-n", &switch, "link", "set", &port, "master", "br0", "up"]);
            ip(&["-n", &ns, "addr", "add", &format!("{}/24", Lan::ip(host)), "dev", "eth0"]);
            ip(&["-n", &ns, "link", "set", "eth0", "up"]);
            if setup.default_route || setup.silent_gateway {
                ip(&["-n", &ns, "route", "add", "default", "via", GATEWAY, "dev", "eth0"]);
            }
            if setup.silent_gateway {
                // `ip netns exec` shows this file as /etc/resolv.conf inside the namespace.
                let etc = Path::new("/etc/netns").join(&ns);
                std::fs::create_dir_all(&etc).unwrap();
                std::fs::write(etc.join("resolv.conf"), format!("nameserver {GATEWAY}\n")).unwrap();
            }
            if setup.drop_multicast {
                lan.drop_multicast(host);
            }
        }
        if setup.silent_gateway {
            lan.add_silent_gateway();
        }
        Some(lan)
    }

    /// The gateway of [`LanSetup::silent_gateway`]: on the switch, forwarding nothing,
    /// accepting nothing (so not even an ICMP "port unreachable" tells a laptop to give up).
    fn add_silent_gateway(&self) {
        let gateway = self.gateway();
        ip(&["netns", "add", &gateway]);
        ip(&["-n", &self.switch(), "link", "add", "pgw", "type", "veth", "peer", "name", "eth0", "netns", &gateway]);
        ip(&["-n", &self.switch(), "link", "set", "pgw", "master", "br0", "up"]);
        ip(&["-n", &gateway, "addr", "add", &format!("{GATEWAY}/24"), "dev", "eth0"]);
        ip(&["-n", &gateway, "link", "set", "eth0", "up"]);
        let rules = "table inet kring_test {\n\
                     chain input { type filter hook input priority 0; policy drop;\n }\n\
                     chain routed { type filter hook forward priority 0; policy drop;\n }\n\
                     }\n";
        self.nft(&gateway, rules);
    }

    fn gateway(&self) -> String {
        format!("{}-gw", self.name)
    }

    fn switch(&self) -> String {
        format!("{}-sw", self.name)
    }

    /// The namespace of laptop `host`.
    pub(crate) fn ns(&self, host: usize) -> &str {
        &self.hosts[host]
    }

    /// Laptop `host`'s address (until [`Lan::readdress`] gives it another).
    pub(crate) fn ip(host: usize) -> Ipv4Addr {
        Ipv4Addr::new(10, 77, 0, u8::try_from(host + 1).expect("fewer than 200 laptops"))
    }

    /// `program` to run inside laptop `host`.
    pub(crate) fn command(&self, host: usize, program: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new("ip");
        command.args(["netns", "exec", self.ns(host)]).arg(program);
        command
    }

    /// `kring --data-dir DATA ARGS` on laptop `host`.
    pub(crate) fn kring(&self, host: usize, data: &Path, args: &[&str]) -> Output {
        super::make_private(data);
        self.command(host, env!("CARGO_BIN_EXE_kring"))
            .arg("--data-dir")
            .arg(data)
            .args(args)
            .env_remove("KRING_DATA_DIR")
            .env_remove("KRING_LOG")
            .output()
            .expect("ip netns exec runs")
    }

    /// [`Lan::kring`] that must succeed; its one JSON object.
    pub(crate) fn ok(&self, host: usize, data: &Path, args: &[&str]) -> Value {
        let out = self.kring(host, data, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "kring {args:?} on {} failed: {stderr}", self.ns(host));
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
    }

    /// `kring serve --offline EXTRA` on laptop `host`, listening on every interface it has (as
    /// a laptop does), with the default log level; everything it prints is kept.
    pub(crate) fn serve(&self, host: usize, data: &Path, extra: &[&str]) -> Serving {
        let mut args = vec!["--offline"];
        args.extend(extra);
        self.serve_online(host, data, &args)
    }

    /// [`Lan::serve`] without `--offline`: as the laptop's settings say.
    pub(crate) fn serve_online(&self, host: usize, data: &Path, extra: &[&str]) -> Serving {
        super::make_private(data);
        let mut command = self.command(host, env!("CARGO_BIN_EXE_kring"));
        command
            .arg("--data-dir")
            .arg(data)
            .arg("serve")
            .args(extra)
            .env_remove("KRING_DATA_DIR")
            .env_remove("KRING_LOG");
        Serving::run(command, true)
    }

    /// Starts counting the DNS packets laptop `host` sends (tcpdump on its interface): one
    /// line per packet.
    pub(crate) fn capture_dns(&self, host: usize) -> Capture<Vec<String>> {
        self.tcpdump(host, &["-l", "port", "53"], |stdout| {
            use std::io::BufRead;
            let lines = std::io::BufReader::new(stdout).lines().map_while(Result::ok);
            lines.filter(|line| !line.trim().is_empty()).collect()
        })
    }

    /// Starts recording every packet on host `host`'s interface that `filter` (tcpdump's
    /// syntax) matches, whole, as pcap bytes.
    pub(crate) fn record(&self, host: usize, filter: &str) -> Capture<Vec<u8>> {
        let mut args = vec!["-s", "0", "-w", "-"];
        args.extend(filter.split_whitespace());
        self.tcpdump(host, &args, |mut stdout| {
            use std::io::Read;
            let mut bytes = Vec::new();
            let _ = stdout.read_to_end(&mut bytes);
            bytes
        })
    }

    /// tcpdump on host `host`'s interface with `args`, its output read by `read` until it stops.
    fn tcpdump<T: Send + 'static>(
        &self,
        host: usize,
        args: &[&str],
        read: impl FnOnce(std::process::ChildStdout) -> T + Send + 'static,
    ) -> Capture<T> {
        let mut child = Command::new("ip")
            .args(["netns", "exec", self.ns(host), "tcpdump", "-i", "eth0", "-n", "-U"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tcpdump is installed (scripts/install-deps.sh installs it)");
        // tcpdump says on stderr when it listens; packets before that would be missed.
        use std::io::BufRead;
        let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
        let said: Vec<String> =
            stderr.by_ref().map_while(Result::ok).take(3).take_while(|l| !l.contains("listening")).collect();
        assert!(said.len() < 3, "tcpdump did not start: {said:?}");
        std::thread::spawn(move || stderr.for_each(drop));
        let stdout = child.stdout.take().unwrap();
        Capture { child, reader: std::thread::spawn(move || read(stdout)) }
    }

    /// Drops multicast and broadcast in laptop `host`, in and out (nftables).
    pub(crate) fn drop_multicast(&self, host: usize) {
        let rules = "table inet kring_test {\n\
                     chain input { type filter hook input priority 0; policy accept;\n\
                       ip daddr 224.0.0.0/4 drop\n ip6 daddr ff00::/8 drop\n meta pkttype { broadcast, multicast } drop\n }\n\
                     chain output { type filter hook output priority 0; policy accept;\n\
                       ip daddr 224.0.0.0/4 drop\n ip6 daddr ff00::/8 drop\n ip daddr 255.255.255.255 drop\n }\n\
                     }\n";
        self.nft(self.ns(host), rules);
    }

    /// Loads nftables `rules` in namespace `ns`.
    fn nft(&self, ns: &str, rules: &str) {
        let mut nft = Command::new("ip")
            .args(["netns", "exec", ns, "nft", "-f", "-"])
            .stdin(Stdio::piped())
            .spawn()
            .expect("nft is installed (scripts/install-deps.sh installs nftables)");
        use std::io::Write;
        nft.stdin.take().unwrap().write_all(rules.as_bytes()).unwrap();
        assert!(nft.wait().unwrap().success(), "nft refused the rules");
    }

    /// Client isolation, as on most school Wi-Fi: the laptops `hosts` cannot reach each other
    /// at all (every packet between them is dropped, both ways), only the other hosts.
    pub(crate) fn isolate(&self, hosts: &[usize]) {
        for &host in hosts {
            let others: Vec<String> =
                hosts.iter().filter(|&&other| other != host).map(|&other| Lan::ip(other).to_string()).collect();
            let others = others.join(", ");
            let rules = format!(
                "table inet kring_isolation {{\n\
                 chain input {{ type filter hook input priority 0; policy accept;\n ip saddr {{ {others} }} drop\n }}\n\
                 chain output {{ type filter hook output priority 0; policy accept;\n ip daddr {{ {others} }} drop\n }}\n\
                 }}\n"
            );
            self.nft(self.ns(host), &rules);
        }
    }

    /// Gives laptop `host` another address, `10.77.0.LAST` (its DHCP lease changed).
    pub(crate) fn readdress(&self, host: usize, last: u8) {
        ip(&["-n", self.ns(host), "addr", "flush", "dev", "eth0"]);
        ip(&["-n", self.ns(host), "addr", "add", &format!("10.77.0.{last}/24"), "dev", "eth0"]);
    }

    /// Plugs laptop `host`'s cable in or out (its port on the switch goes up or down).
    pub(crate) fn link(&self, host: usize, up: bool) {
        ip(&["-n", &self.switch(), "link", "set", &format!("p{host}"), if up { "up" } else { "down" }]);
    }

    fn disable_ipv6(&self, host: usize) {
        // /proc/sys/net shows the settings of the namespace of whoever reads it.
        let script = "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6 && echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6";
        let out = self.command(host, "sh").args(["-c", script]).output().expect("sh runs");
        assert!(out.status.success(), "disabling IPv6: {}", String::from_utf8_lossy(&out.stderr));
    }
}

impl Drop for Lan {
    fn drop(&mut self) {
        let gateway = self.gateway();
        for ns in self.hosts.iter().chain([&self.switch()]).chain(namespace_exists(&gateway).then_some(&gateway)) {
            remove_namespace(ns);
        }
    }
}

/// Packets being captured by tcpdump (see [`Lan::capture_dns`] and [`Lan::record`]).
pub(crate) struct Capture<T> {
    child: Child,
    reader: std::thread::JoinHandle<T>,
}

impl<T> Capture<T> {
    /// Stops capturing; what was captured.
    pub(crate) fn stop(mut self) -> T {
        let _ = Command::new("kill").arg("-INT").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
        self.reader.join().unwrap()
    }
}

/// Runs `ip ARGS`, which must succeed.
fn ip(args: &[&str]) {
    let out = Command::new("ip").args(args).output().expect("iproute2 (ip) is installed");
    assert!(out.status.success(), "ip {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
}

/// Kills what still runs in `ns` (only processes these tests started live there) and
/// deletes it, with its interfaces.
fn remove_namespace(ns: &str) {
    if let Ok(out) = Command::new("ip").args(["netns", "pids", ns]).output() {
        for pid in String::from_utf8_lossy(&out.stdout).split_whitespace() {
            let _ = Command::new("kill").args(["-KILL", pid]).status();
        }
    }
    let _ = Command::new("ip").args(["netns", "del", ns]).status();
    let _ = std::fs::remove_dir_all(Path::new("/etc/netns").join(ns));
}

/// Removes the namespaces of test processes that no longer run.
fn remove_stale() {
    let Ok(out) = Command::new("ip").args(["netns", "list"]).output() else { return };
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some(name) = line.split_whitespace().next() else { continue };
        let Some(rest) = name.strip_prefix(PREFIX) else { continue };
        let Some(pid) = rest.split('-').next().and_then(|pid| pid.parse::<u32>().ok()) else { continue };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            remove_namespace(name);
        }
    }
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status.lines().any(|line| line.starts_with("Uid:") && line.split_whitespace().nth(2) == Some("0"))
    })
}

/// Whether a namespace of this name exists.
pub(crate) fn namespace_exists(ns: &str) -> bool {
    Command::new("ip")
        .args(["netns", "list"])
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).lines().any(|l| l.split_whitespace().next() == Some(ns)))
}
