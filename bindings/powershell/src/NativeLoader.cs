// Loads the native half of the module (tokenlens_csharp) for the OS the module runs on, before
// the first P/Invoke (issue 16). The published module carries one copy per platform under
// runtimes/<rid>/native (the NuGet layout); .NET only probes there for packages it resolved
// itself, not for an assembly PowerShell loads by path, so the module asks for the right file
// by full path. Both loaders then answer the generated DllImport("tokenlens_csharp") with the
// library already in the process (Windows matches the module's base name, glibc its SONAME).
// A module folder laid out by the build (native files beside TokenLens.dll) needs nothing.
// netstandard2.0: the same code runs in Windows PowerShell 5.1 (.NET Framework) and PowerShell 7.
using System;
using System.IO;
using System.Runtime.InteropServices;

namespace TokenLens
{
    public static class NativeLoader
    {
        [DllImport("kernel32", EntryPoint = "LoadLibraryExW", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern IntPtr LoadLibraryExW(string path, IntPtr file, uint flags);

        [DllImport("libdl.so.2", EntryPoint = "dlopen")]
        private static extern IntPtr dlopen(string path, int flags);

        [DllImport("libdl.so.2", EntryPoint = "dlerror")]
        private static extern IntPtr dlerror();

        private const uint LOAD_WITH_ALTERED_SEARCH_PATH = 0x8;
        private const int RTLD_NOW = 2, RTLD_GLOBAL = 0x100;

        /// <summary>The runtime identifier whose native library this process needs (win-x64,
        /// linux-x64, ...), or null for an OS the module has no library for.</summary>
        public static string RuntimeIdentifier
        {
            get
            {
                string arch;
                switch (RuntimeInformation.ProcessArchitecture)
                {
                    case Architecture.X64: arch = "x64"; break;
                    case Architecture.X86: arch = "x86"; break;
                    case Architecture.Arm64: arch = "arm64"; break;
                    default: arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(); break;
                }
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return "win-" + arch;
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return "linux-" + arch;
                if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) return "osx-" + arch;
                return null;
            }
        }

        /// <summary>The file name of the native library on this OS.</summary>
        public static string FileName
        {
            get { return RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "tokenlens_csharp.dll" : "libtokenlens_csharp.so"; }
        }

        /// <summary>Loads moduleDir/runtimes/RID/native/FILE when the module has that layout and
        /// returns its path; returns the path beside the assembly when the library is there
        /// (nothing to do). Throws PlatformNotSupportedException naming what is missing.</summary>
        public static string Preload(string moduleDir)
        {
            string rid = RuntimeIdentifier;
            string beside = Path.Combine(moduleDir, FileName);
            string nested = rid == null ? null : Path.Combine(Path.Combine(Path.Combine(Path.Combine(moduleDir, "runtimes"), rid), "native"), FileName);
            if (nested != null && File.Exists(nested))
            {
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                {
                    if (LoadLibraryExW(nested, IntPtr.Zero, LOAD_WITH_ALTERED_SEARCH_PATH) == IntPtr.Zero)
                        throw new DllNotFoundException(string.Format("TokenLens: cannot load {0} (Win32 error {1})", nested, Marshal.GetLastWin32Error()));
                }
                else if (dlopen(nested, RTLD_NOW | RTLD_GLOBAL) == IntPtr.Zero)
                {
                    IntPtr msg = dlerror();
                    throw new DllNotFoundException(string.Format("TokenLens: cannot load {0}: {1}", nested,
                        msg == IntPtr.Zero ? "dlopen failed" : Marshal.PtrToStringAnsi(msg)));
                }
                return nested;
            }
            if (File.Exists(beside)) return beside;
            throw new PlatformNotSupportedException(string.Format(
                "TokenLens: this module has no native library for {0} (looked for {1} and {2})",
                rid ?? RuntimeInformation.OSDescription, nested ?? "runtimes/<rid>/native", beside));
        }
    }
}
