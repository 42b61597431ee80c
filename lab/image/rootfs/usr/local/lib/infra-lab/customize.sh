#!/bin/sh
# Runs once inside the image's root file system at build time (mmdebstrap hook or Containerfile RUN).
set -eu

# The course VMs are Ubuntu cloud images: user `ubuntu` with passwordless sudo.
useradd --create-home --shell /bin/bash --groups sudo ubuntu
echo 'ubuntu ALL=(ALL) NOPASSWD:ALL' >/etc/sudoers.d/90-ubuntu
chmod 0440 /etc/sudoers.d/90-ubuntu

# Every container must get its own host keys: drop the ones made at install time (lab-init makes new ones).
rm -f /etc/ssh/ssh_host_*
mkdir -p /run/sshd
cat >/etc/ssh/sshd_config.d/lab.conf <<'CONF'
PasswordAuthentication no
PermitRootLogin prohibit-password
UseDNS no
MaxSessions 64
MaxStartups 200:30:400
CONF

# InfluxDB's init script asks for 65536 open files; containers get less, and it must still start.
sed -i 's/^OPEN_FILE_LIMIT=65536$/OPEN_FILE_LIMIT=$(ulimit -Hn)/' /etc/init.d/influxdb

# Course handlers say `service mysql restart`; Debian names the init script `mariadb`.
ln -sf /etc/init.d/mariadb /etc/init.d/mysql

# Servers run in UTC, as the lab insists.
ln -sf /usr/share/zoneinfo/Etc/UTC /etc/localtime
echo Etc/UTC >/etc/timezone
sed -i 's/^# *\(en_US.UTF-8\)/\1/' /etc/locale.gen && locale-gen >/dev/null

# No daemon may stay running from the build; apt in the container should behave like on a VM.
rm -f /usr/sbin/policy-rc.d
apt-get clean
rm -rf /var/lib/apt/lists/*
