#!/usr/bin/env bash
# Install the pinned front-end libraries from npm and copy what the pages load into static/vendor.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --loglevel=error
V=src/campaignops/static/vendor
rm -rf "$V" && mkdir -p "$V"/{bootstrap,bootstrap-icons,echarts,frappe-gantt,sortablejs}
cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$V/bootstrap/"
cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts "$V/bootstrap-icons/"
cp node_modules/echarts/dist/echarts.min.js "$V/echarts/"
cp node_modules/frappe-gantt/dist/frappe-gantt.umd.js node_modules/frappe-gantt/dist/frappe-gantt.css "$V/frappe-gantt/"
cp node_modules/sortablejs/Sortable.min.js "$V/sortablejs/"
# Drop source-map references: the maps are not shipped.
sed -i '/sourceMappingURL=/d' "$V"/bootstrap/*.{css,js} "$V"/echarts/*.js "$V"/frappe-gantt/* 2>/dev/null || true
