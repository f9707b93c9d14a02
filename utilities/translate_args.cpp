// gdal_translate's flags into TranslateOptions.
#include <cmath>
#include <cstdlib>
#include <sstream>

#include <rasterkit/gdalcore/data_type.h>
#include <rasterkit/gdalcore/options.h>
#include <rasterkit/gdalcore/warning.h>
#include <rasterkit/gdalcore/worker_pool.h>
#include <rasterkit/utilities/arg_parsing.h>
#include <rasterkit/utilities/translate.h>

namespace rk {

namespace {

using cli::ArgTable;
using Values = ArgTable::Values;

Result<std::vector<double>> to_numbers(const std::string& flag, const Values& v) {
  std::vector<double> out;
  for (const std::string& s : v) {
    RK_ASSIGN_OR_RETURN(double d, cli::parse_double(flag, s));
    out.push_back(d);
  }
  return out;
}

// -scale's 0, 2 or 4 numbers.
Result<ScaleParams> scale_params(const std::string& flag, const Values& v) {
  if (v.size() == 1 || v.size() == 3) {
    return Status::invalid_argument(
        flag, "option " + flag + " takes 0, 2 or 4 values (src_min src_max [dst_min dst_max])");
  }
  RK_ASSIGN_OR_RETURN(std::vector<double> n, to_numbers(flag, v));
  ScaleParams p;
  p.given = true;
  if (n.size() >= 2) p.src = std::make_pair(n[0], n[1]);
  if (n.size() == 4) {
    p.dst_min = n[2];
    p.dst_max = n[3];
  }
  return p;
}

Status check_size(const std::string& flag, const std::string& s) {
  const std::string n = !s.empty() && s.back() == '%' ? s.substr(0, s.size() - 1) : s;
  if (!cli::is_number(n) || !(std::strtod(n.c_str(), nullptr) >= 0)) {
    return Status::invalid_argument(flag, "'" + s + "' is not a size (N or N%)");
  }
  return Status();
}

void add_output_flags(ArgTable& t, TranslateOptions& o) {
  t.add_string({"-of"}, &o.format);
  t.add({"-ot"}, 1, [&o](const std::string& f, const Values& v) {
    if (!parse_data_type(v[0]))
      return Status::invalid_argument(f, "unknown data type '" + v[0] + "'");
    o.output_type = v[0];
    return Status();
  });
  t.add_list({"-co"}, &o.creation_options, true);
  t.add_list({"-mo"}, &o.metadata_items, true);
  t.add_switch({"-stats"}, &o.stats);
  t.add_switch({"-noxmp"}, &o.no_xmp);
  t.add({"--threads"}, 1, [&o](const std::string& f, const Values& v) {
    o.threads = WorkerPool::parse_thread_count(v[0]);
    if (o.threads == 0) {
      return Status::invalid_argument(f, "'" + v[0] + "' is not a thread count (N or ALL_CPUS)");
    }
    return Status();
  });
}

void add_band_flags(ArgTable& t, TranslateOptions& o) {
  t.add_list({"-b"}, &o.bands);
  t.add_string({"-mask"}, &o.mask);
  t.add({"-expand"}, 1, [&o](const std::string& f, const Values& v) {
    if (v[0] != "gray" && v[0] != "rgb" && v[0] != "rgba") {
      return Status::invalid_argument(f, "'" + v[0] + "' is not gray, rgb or rgba");
    }
    o.expand = v[0];
    return Status();
  });
}

void add_window_flags(ArgTable& t, TranslateOptions& o) {
  t.add({"-srcwin"}, 4, [&o](const std::string& f, const Values& v) {
    RK_ASSIGN_OR_RETURN(std::vector<double> n, to_numbers(f, v));
    if (!(n[2] > 0) || !(n[3] > 0)) {
      return Status::invalid_argument(f, "the window size must be positive");
    }
    o.srcwin = n;
    return Status();
  });
  t.add({"-projwin"}, 4, [&o](const std::string& f, const Values& v) {
    RK_ASSIGN_OR_RETURN(o.projwin, to_numbers(f, v));
    return Status();
  });
  t.add_string({"-projwin_srs"}, &o.projwin_srs);
  t.add_switch({"-epo"}, &o.error_partially_outside);
  t.add_switch({"-eco"}, &o.error_completely_outside);
  t.add({"-outsize"}, 2, [&o](const std::string& f, const Values& v) {
    RK_RETURN_IF_ERROR(check_size(f, v[0]));
    RK_RETURN_IF_ERROR(check_size(f, v[1]));
    o.outsize = std::make_pair(v[0], v[1]);
    return Status();
  });
  t.add({"-tr"}, 2, [&o](const std::string& f, const Values& v) {
    RK_ASSIGN_OR_RETURN(std::vector<double> n, to_numbers(f, v));
    if (!(n[0] > 0) || n[1] == 0)
      return Status::invalid_argument(f, "the resolution must be positive");
    o.target_resolution = std::make_pair(n[0], std::fabs(n[1]));
    return Status();
  });
  t.add({"-r"}, 1, [&o](const std::string& f, const Values& v) {
    if (!parse_resampling(v[0])) {
      return Status::invalid_argument(
          f, "unknown resampling '" + v[0] +
                 "' (nearest, bilinear, cubic, cubicspline, lanczos, average, mode)");
    }
    o.resampling = v[0];
    return Status();
  });
  t.add_string({"-cutline"}, &o.cutline);
  t.add_string({"-cutline_srs"}, &o.cutline_srs);
  t.add_switch({"-crop_to_cutline"}, &o.crop_to_cutline);
}

void add_value_flags(ArgTable& t, TranslateOptions& o) {
  t.add_numbers({"-scale"}, 4, [&o](const std::string& f, const Values& v) {
    RK_ASSIGN_OR_RETURN(o.scale, scale_params(f, v));
    return Status();
  });
  t.add_numbered("-scale", -4, [&o](const std::string& f, const Values& v) {
    RK_ASSIGN_OR_RETURN(ScaleParams p, scale_params(f, v));
    o.band_scales.emplace_back(cli::band_suffix(f, "-scale"), p);
    return Status();
  });
  t.add({"-exponent"}, 1, [&o](const std::string& f, const Values& v) {
    RK_ASSIGN_OR_RETURN(o.exponent, cli::parse_double(f, v[0]));
    return Status();
  });
  t.add_numbered("-exponent", 1, [&o](const std::string& f, const Values& v) {
    RK_ASSIGN_OR_RETURN(double e, cli::parse_double(f, v[0]));
    o.band_exponents.emplace_back(cli::band_suffix(f, "-exponent"), e);
    return Status();
  });
  t.add_switch({"-unscale"}, &o.unscale);
}

// gdal_translate's -colorinterp names. As GDAL, an unknown one is a warning
// and leaves the band undefined.
ColorInterp color_interp_arg(const std::string& name) {
  if (iequals(name, "grey")) return ColorInterp::kGray;
  static const char* const kNames[] = {"red", "green", "blue", "alpha", "gray", "undefined"};
  for (const char* n : kNames) {
    if (iequals(name, n)) return *parse_color_interp(n);
  }
  emit_warning("-colorinterp", "Unsupported color interpretation: " + name);
  return ColorInterp::kUndefined;
}

void add_color_flags(ArgTable& t, TranslateOptions& o) {
  t.add({"-colorinterp"}, 1, [&o](const std::string&, const Values& v) {
    int band = 0;
    std::string name;
    std::istringstream in(v[0]);
    while (std::getline(in, name, ',')) o.color_interps[++band] = color_interp_arg(name);
    return Status();
  });
  t.add_numbered("-colorinterp", 1, [&o](const std::string& f, const Values& v) {
    o.color_interps[cli::band_suffix(f, "-colorinterp")] = color_interp_arg(v[0]);
    return Status();
  });
  t.add_switch({"-nogcp"}, &o.no_gcps);
}

void add_property_flags(ArgTable& t, TranslateOptions& o) {
  t.add_string({"-a_srs"}, &o.assign_srs);
  t.add({"-a_ullr"}, 4, [&o](const std::string& f, const Values& v) {
    RK_ASSIGN_OR_RETURN(o.assign_ullr, to_numbers(f, v));
    return Status();
  });
  t.add({"-a_nodata"}, 1, [&o](const std::string& f, const Values& v) {
    const std::string& s = v[0];
    if (s != "none" && s != "None" && !cli::is_number(s)) {
      return Status::invalid_argument(f, "'" + s + "' is not a number or none");
    }
    o.assign_nodata = s;
    return Status();
  });
  t.add({"-a_scale"}, 1, [&o](const std::string& f, const Values& v) {
    RK_ASSIGN_OR_RETURN(o.assign_scale, cli::parse_double(f, v[0]));
    return Status();
  });
  t.add({"-a_offset"}, 1, [&o](const std::string& f, const Values& v) {
    RK_ASSIGN_OR_RETURN(o.assign_offset, cli::parse_double(f, v[0]));
    return Status();
  });
}

Status check_combinations(const TranslateOptions& o) {
  if (o.srcwin && o.projwin) {
    return Status::invalid_argument("", "-srcwin and -projwin cannot be used together");
  }
  if (o.outsize && o.target_resolution) {
    return Status::invalid_argument("", "-outsize and -tr cannot be used together");
  }
  if (o.assign_ullr && o.target_resolution) {
    // -a_ullr fixes the output's extent, -tr its pixel size: which would win
    // is ambiguous, so gdal_translate refuses the pair.
    return Status::invalid_argument("", "-a_ullr and -tr cannot be used together");
  }
  if (o.cutline.empty() && (o.crop_to_cutline || !o.cutline_srs.empty())) {
    return Status::invalid_argument(
        "", o.crop_to_cutline ? "-crop_to_cutline needs -cutline" : "-cutline_srs needs -cutline");
  }
  if (!o.mask.empty() && o.mask != "none" && o.mask != "auto") {
    return Status::not_supported("-mask", "-mask " + o.mask +
                                              ": writing a mask band is not implemented by "
                                              "rasterkit's writers yet (use -b mask to write "
                                              "it as a band)");
  }
  return Status();
}

}  // namespace

Result<TranslateOptions> parse_translate_options(const std::vector<std::string>& args,
                                                 CommandLineExtras* extras) {
  TranslateOptions o;
  ArgTable t;
  add_output_flags(t, o);
  add_band_flags(t, o);
  add_window_flags(t, o);
  add_value_flags(t, o);
  add_property_flags(t, o);
  add_color_flags(t, o);
  bool quiet = false;
  if (extras) {
    t.add_list({"-oo"}, &extras->open_options, true);
    t.add_list({"-if"}, &extras->input_formats, true);
    t.add_switch({"-q", "-quiet"}, &quiet);
  } else {
    t.add_switch({"-q", "-quiet"}, &o.quiet);
  }
  RK_RETURN_IF_ERROR(t.parse(args, extras ? &extras->files : nullptr));
  if (extras) {
    extras->quiet = quiet;
    o.quiet = quiet;
  }
  RK_RETURN_IF_ERROR(check_combinations(o));
  return o;
}

}  // namespace rk
