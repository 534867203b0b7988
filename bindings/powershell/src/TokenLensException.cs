// Exceptions raised by the tokenlens C# binding. One table (FromNative) maps the library's
// TL_E* codes to a subclass, so callers (and PowerShell's error categories) can tell a parse
// error from a missing name or an unsupported platform without reading the message.
using System;

namespace TokenLens
{
    /// <summary>A tokenlens call failed; carries tl_error_last(): code, message, where, native status.</summary>
    public class TokenLensException : Exception
    {
        /// <summary>The negative TL_E* code (see ErrorCode).</summary>
        public int Code { get; }
        /// <summary>Symbolic name of the code, e.g. "TL_EPARSE".</summary>
        public string ErrorName { get; }
        /// <summary>Byte offset into the input for parse errors, or null.</summary>
        public long? Offset { get; }
        /// <summary>Location inside structured input ("$.groups[3].sid", "line 12"), or null.</summary>
        public string InputPath { get; }
        /// <summary>Native status (Win32 error, NTSTATUS, GSS major) or 0.</summary>
        public long NativeCode { get; }
        /// <summary>What NativeCode is (tl_native_kind_name): "win32", "ntstatus", "security-status",
        /// "gss-major", "errno", "other", or "none".</summary>
        public string NativeKind { get; private set; } = "none";

        public TokenLensException(string message) : this(-1, message, null, null, 0) { }

        public TokenLensException(int code, string message, string inputPath, long? offset, long nativeCode)
            : base(message)
        {
            Code = code;
            ErrorName = NameOf(code);
            InputPath = string.IsNullOrEmpty(inputPath) ? null : inputPath;
            Offset = offset;
            NativeCode = nativeCode;
        }

        // The library's own names (tl_error_name), so no second copy of the table can drift.
        static string NameOf(int code) => TokenLensNative.TlErrorName(code);

        /// <summary>Build the exception for a tokenlens error (called from the native wrapper).</summary>
        public static TokenLensException FromNative(int code, string message, string inputPath, long offset, long nativeCode,
                                                    string nativeKind = "none")
        {
            TokenLensException e = Build(code, message, inputPath, offset, nativeCode);
            e.NativeKind = string.IsNullOrEmpty(nativeKind) ? "none" : nativeKind;
            return e;
        }

        static TokenLensException Build(int code, string message, string inputPath, long offset, long nativeCode)
        {
            long? off = offset < 0 ? (long?)null : offset;
            string text = string.IsNullOrEmpty(message) ? NameOf(code) : message;
            // Say where, unless the library's message already does.
            if (!string.IsNullOrEmpty(inputPath) && text.IndexOf(inputPath, StringComparison.Ordinal) < 0)
                text += " (at " + inputPath + ")";
            else if (string.IsNullOrEmpty(inputPath) && off.HasValue &&
                     text.IndexOf("offset " + off.Value, StringComparison.Ordinal) < 0)
                text += " (at byte " + off.Value + ")";
            // One case per tl_error_code (common.h), named through the SWIG-generated ErrorCode
            // enum; tests/abi/check_error_tables.py keeps it complete against the header.
            switch ((ErrorCode)code)
            {
                case ErrorCode.EINVAL: return new TokenLensArgumentException(code, text, inputPath, off, nativeCode);
                case ErrorCode.ERANGE: return new TokenLensArgumentException(code, text, inputPath, off, nativeCode);
                case ErrorCode.EPARSE: return new TokenLensParseException(code, text, inputPath, off, nativeCode);
                case ErrorCode.ELIMIT: return new TokenLensParseException(code, text, inputPath, off, nativeCode);
                case ErrorCode.ENOTFOUND: return new TokenLensNotFoundException(code, text, inputPath, off, nativeCode);
                case ErrorCode.ENOTSUP: return new TokenLensNotSupportedException(code, text, inputPath, off, nativeCode);
                case ErrorCode.ENOTIMPL: return new TokenLensNotSupportedException(code, text, inputPath, off, nativeCode);
                case ErrorCode.EIO: return new TokenLensIOException(code, text, inputPath, off, nativeCode);
                case ErrorCode.EOS: return new TokenLensOSException(code, text, inputPath, off, nativeCode);
                case ErrorCode.ENOMEM: return new TokenLensException(code, text, inputPath, off, nativeCode);
                case ErrorCode.EAUTH: return new TokenLensException(code, text, inputPath, off, nativeCode);
                case ErrorCode.ESTATE: return new TokenLensException(code, text, inputPath, off, nativeCode);
                default: return new TokenLensException(code, text, inputPath, off, nativeCode);
            }
        }
    }

    /// <summary>TL_EPARSE / TL_ELIMIT: the input did not parse or exceeded a safety bound.</summary>
    public class TokenLensParseException : TokenLensException
    {
        public TokenLensParseException(int code, string message, string inputPath, long? offset, long nativeCode)
            : base(code, message, inputPath, offset, nativeCode) { }
    }

    /// <summary>TL_EINVAL / TL_ERANGE: an argument was invalid or out of range.</summary>
    public class TokenLensArgumentException : TokenLensException
    {
        public TokenLensArgumentException(int code, string message, string inputPath, long? offset, long nativeCode)
            : base(code, message, inputPath, offset, nativeCode) { }
    }

    /// <summary>TL_ENOTFOUND: a name, SID or item is not known.</summary>
    public class TokenLensNotFoundException : TokenLensException
    {
        public TokenLensNotFoundException(int code, string message, string inputPath, long? offset, long nativeCode)
            : base(code, message, inputPath, offset, nativeCode) { }
    }

    /// <summary>TL_ENOTSUP: not supported on this platform (live capture off Windows).</summary>
    public class TokenLensNotSupportedException : TokenLensException
    {
        public TokenLensNotSupportedException(int code, string message, string inputPath, long? offset, long nativeCode)
            : base(code, message, inputPath, offset, nativeCode) { }
    }

    /// <summary>TL_EIO: reading or writing a file failed.</summary>
    public class TokenLensIOException : TokenLensException
    {
        public TokenLensIOException(int code, string message, string inputPath, long? offset, long nativeCode)
            : base(code, message, inputPath, offset, nativeCode) { }
    }

    /// <summary>TL_EOS: an operating-system call failed; NativeCode has its status.</summary>
    public class TokenLensOSException : TokenLensException
    {
        public TokenLensOSException(int code, string message, string inputPath, long? offset, long nativeCode)
            : base(code, message, inputPath, offset, nativeCode) { }
    }
}
