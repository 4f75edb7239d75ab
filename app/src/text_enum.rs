//! Enums stored as text: each variant's name is written once and serves the wire (serde), forms
//! (`as_str`/`parse`), and Postgres (`sqlx::Type` over `text` under `ssr`), so the three can never
//! drift apart. Columns keep a `check (… in (…))` constraint naming the same values.

/// ```ignore
/// text_enum! {
///     /// Doc comment.
///     pub enum TaskStatus { Todo = "todo", InProgress = "in_progress" }
/// }
/// ```
/// gives `TaskStatus::ALL`, `as_str`, `parse` (trimmed, exact), `Display`, serde and sqlx impls.
#[macro_export]
macro_rules! text_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(type_name = "text"))]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[serde(rename = $text)]
                #[cfg_attr(feature = "ssr", sqlx(rename = $text))]
                $variant,
            )+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored (and posted) name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The variant a stored or posted name stands for.
            pub fn parse(value: &str) -> Option<$name> {
                match value.trim() {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                $name::parse(value).ok_or_else(|| format!("unknown {} {value:?}", stringify!($name)))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    text_enum! {
        /// A test enum.
        pub enum Light { Red = "red", AmberBlink = "amber_blink" }
    }

    #[test]
    fn one_name_per_variant_for_forms_and_the_wire() {
        assert_eq!(Light::ALL, [Light::Red, Light::AmberBlink]);
        for light in Light::ALL {
            assert_eq!(Light::parse(light.as_str()), Some(*light));
            assert_eq!(serde_json::to_string(light).expect("json"), format!("\"{light}\""));
        }
        assert_eq!(Light::parse(" amber_blink "), Some(Light::AmberBlink));
        assert_eq!(Light::parse("Red"), None, "names are exact");
    }
}
