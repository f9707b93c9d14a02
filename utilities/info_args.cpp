// gdalinfo's flags into InfoOptions.
#include <rasterkit/gdalcore/worker_pool.h>
#include <rasterkit/utilities/arg_parsing.h>
#include <rasterkit/utilities/info.h>

namespace rk {

Result<InfoOptions> parse_info_options(const std::vector<std::string>& args,
                                       CommandLineExtras* extras) {
  using Values = cli::ArgTable::Values;
  InfoOptions o;
  cli::ArgTable t;
  t.add_switch({"-json"}, &o.json);
  t.add_switch({"-mm"}, &o.compute_min_max);
  // As gdalinfo, the later of -stats and -approx_stats decides.
  t.add({"-stats"}, 0, [&o](const std::string&, const Values&) {
    o.compute_stats = true;
    o.approx_stats = false;
    return Status();
  });
  t.add({"-approx_stats"}, 0, [&o](const std::string&, const Values&) {
    o.compute_stats = true;
    o.approx_stats = true;
    return Status();
  });
  t.add_switch({"-hist"}, &o.histogram);
  t.add_switch({"-checksum"}, &o.checksum);
  t.add_switch({"-nomd"}, &o.show_metadata, false);
  t.add_switch({"-noct"}, &o.show_color_table, false);
  t.add_switch({"-nogcp"}, &o.show_gcps, false);
  t.add_switch({"-norat"}, &o.show_rat, false);
  t.add_switch({"-nofl"}, &o.all_files, false);
  t.add_switch({"-proj4"}, &o.proj4);
  t.add_list({"-mdd"}, &o.extra_domains);
  t.add({"-wkt_format"}, 1, [&o](const std::string& f, const Values& v) {
    static const char* const kFormats[] = {"WKT1",      "WKT1_ESRI", "WKT2",
                                           "WKT2_2015", "WKT2_2018", "WKT2_2019"};
    for (const char* k : kFormats) {
      if (iequals(v[0], k)) {
        o.wkt_format = k;
        return Status();
      }
    }
    return Status::invalid_argument(
        f, "'" + v[0] + "' is not WKT1, WKT2, WKT2_2015, WKT2_2018 or WKT2_2019");
  });
  t.add({"--threads"}, 1, [&o](const std::string& f, const Values& v) {
    o.threads = WorkerPool::parse_thread_count(v[0]);
    if (o.threads == 0) {
      return Status::invalid_argument(f, "'" + v[0] + "' is not a thread count (N or ALL_CPUS)");
    }
    return Status();
  });
  if (extras) t.add_list({"-oo"}, &extras->open_options, true);
  if (extras) t.add_list({"-if"}, &extras->input_formats, true);
  RK_RETURN_IF_ERROR(t.parse(args, extras ? &extras->files : nullptr));
  return o;
}

}  // namespace rk
